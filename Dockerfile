# Multi-stage on Node 24 (the current LTS): build with dev dependencies, run with production dependencies
# only, as a non-root user. Every step is a plain command, so the same build runs without a Docker engine
# (test/image.test.ts runs the runtime stage's steps as commands and starts the result).
# Of the workspace packages (packages/) only Slack's Block Kit limits table is part of the product; the
# Azure sandbox, the fake Slack and the local workspace are never copied in, built or installed here.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY packages/block-kit-limits ./packages/block-kit-limits
COPY scripts ./scripts
COPY src ./src
# The root and the one product package only; scripts off so `prepare` does not build the stand-ins, then
# the product built. Nothing is compiled: on Node 24 the store loads better-sqlite3 13 (`better-sqlite3-napi`),
# whose Node-API binaries come in its package (12, for Node 20 only, stays unbuilt).
RUN npm ci --no-audit --no-fund --ignore-scripts --include-workspace-root --workspace @rdp-doctor/block-kit-limits \
  && npm run build:product

FROM node:24-bookworm-slim
ENV NODE_ENV=production PORT=3000 DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json manifest.yml manifest.socket.yml ./
COPY packages/block-kit-limits/package.json ./packages/block-kit-limits/package.json
# Production dependencies only. Install scripts stay off: the one native module the image loads ships
# prebuilt for Linux in its package.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --include-workspace-root --workspace @rdp-doctor/block-kit-limits
COPY --from=build /app/packages/block-kit-limits/dist ./packages/block-kit-limits/dist
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/main.js"]
