// The scenario rules: shown as the admin API holds them (JSON, in order) and
// editable in place. Saving replaces the whole list (PUT /api/admin/scenarios);
// a refused list is shown with the API's message for each wrong field, and the
// rules in force stay as they were. When admin.token is set, it is asked for
// and kept for this tab only.

import { ApiError, getScenarios, putScenarios } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

const TOKEN_KEY = 'hamster-pg.admin-token';

export function createRulesEditor() {
  const editor = h('textarea', { id: 'rules-json', rows: 12, spellcheck: 'false', autocomplete: 'off', class: 'mono rules-json' });
  const token = h('input', { id: 'admin-token', type: 'password', autocomplete: 'off' });
  const tokenField = h('div', { class: 'field', hidden: true }, h('label', { for: 'admin-token' }, t('rules.token')), token);
  const save = h('button', { type: 'submit', class: 'button button-primary' }, t('rules.save'));
  const reload = h('button', { type: 'button', class: 'button' }, t('rules.reload'));
  const message = h('div', { class: 'msg', role: 'status', 'aria-live': 'polite' });
  const count = h('span', { class: 'rules-count' });
  const form = h(
    'form',
    { class: 'rules-form', 'aria-label': t('rules.heading') },
    h('div', { class: 'field' }, h('label', { for: 'rules-json' }, t('rules.json')), editor),
    tokenField,
    h('div', { class: 'button-row' }, save, reload),
  );
  const element = h(
    'details',
    { class: 'card rules' },
    h('summary', {}, h('h2', {}, `${t('rules.heading')} `), count),
    h('p', { class: 'hint' }, t('rules.hint')),
    form,
    message,
  );

  token.value = sessionStorage.getItem(TOKEN_KEY) ?? '';
  const tokenValue = () => token.value.trim() || null;

  /** @param {unknown} e */
  const showError = (e) => {
    message.className = 'msg msg-error';
    if (e instanceof ApiError && e.status === 401) {
      tokenField.hidden = false;
      message.replaceChildren(t('rules.tokenNeeded'));
      return;
    }
    const errors = e instanceof ApiError ? e.errors : [];
    message.replaceChildren(
      t('rules.notSaved', { message: e instanceof ApiError ? e.message : String(e) }),
      errors.length > 0 ? h('ul', { class: 'rule-errors' }, errors.map((x) => h('li', {}, `${x.field}: ${x.message}`))) : '',
    );
  };

  const load = async () => {
    message.className = 'msg';
    message.textContent = t('common.loading');
    try {
      const rules = await getScenarios(tokenValue());
      editor.value = JSON.stringify(rules, null, 2);
      count.textContent = `(${rules.length})`;
      message.textContent = '';
    } catch (e) {
      showError(e);
    }
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void (async () => {
      /** @type {unknown} */
      let rules;
      try {
        rules = JSON.parse(editor.value);
      } catch (err) {
        message.className = 'msg msg-error';
        message.textContent = t('rules.notJson', { message: err instanceof Error ? err.message : String(err) });
        return;
      }
      save.disabled = true;
      try {
        const saved = await putScenarios(rules, tokenValue());
        if (tokenValue()) sessionStorage.setItem(TOKEN_KEY, token.value.trim());
        editor.value = JSON.stringify(saved, null, 2);
        count.textContent = `(${saved.length})`;
        message.className = 'msg msg-ok';
        message.textContent = t('rules.saved', { count: saved.length });
      } catch (err) {
        showError(err);
      } finally {
        save.disabled = false;
      }
    })();
  });
  reload.addEventListener('click', () => void load());
  // Loaded when first opened, so the home page costs nothing more.
  let loaded = false;
  element.addEventListener('toggle', () => {
    if (element.open && !loaded) {
      loaded = true;
      void load();
    }
  });

  return { element };
}
