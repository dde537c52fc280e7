# hamster-pg as a container: built in one stage (the SQLite driver compiles
# from source), run as the unprivileged `node` user in a slim one.
# These machines have no Docker engine, so this file is kept simple and is not
# exercised by the test suite.
FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
COPY dashboard ./dashboard
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    SERVER_ADDRESS=0.0.0.0 \
    DATABASE_URL=/data/hamster-pg.db
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/dashboard ./dashboard
RUN mkdir /data && chown node:node /data
USER node
# 8083: the API and dashboard; 8084: the PortOne V2 API
EXPOSE 8083 8084
VOLUME ["/data"]
CMD ["node", "--max-old-space-size=128", "dist/hamster-pg.mjs", "serve"]
