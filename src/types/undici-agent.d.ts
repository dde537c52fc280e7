/**
 * undici's Agent by its own module: the package's index loads all of undici
 * (fetch, WebSocket, caches, mocks) — about 1 MB that every start of the
 * command compiled and ran for one class. undici has no exports map, so the
 * file is importable; its type is the index's.
 */
declare module 'undici/lib/dispatcher/agent.js' {
  import { Agent } from 'undici';
  export default Agent;
}
