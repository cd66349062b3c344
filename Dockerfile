# One image, three roles: `node dist/src/main.js all|api|worker` (see docker-compose.yml).
# Node 24 LTS, as CI runs it.
FROM node:24-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bench ./bench
COPY web ./web
COPY scripts ./scripts
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production
ENV EXPORT_DIR=/data/exports
WORKDIR /app
# Owned by the runtime user: a named volume mounted here starts as a copy of this directory, owner
# included; without it the volume is root's and local exports fail. ./data is the SQLite default's.
RUN mkdir -p /data/exports /app/data && chown node:node /data/exports /app/data
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
EXPOSE 8000
CMD ["node", "dist/src/main.js", "all"]
