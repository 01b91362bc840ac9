# Multi-stage on Node 24 (the current LTS): build with dev dependencies, run with production dependencies
# only, as a non-root user. Every step is a plain command, so the same build runs without a Docker engine
# (test/image.test.ts runs the runtime stage's steps as commands and starts the result).
# Of the workspace packages (packages/) only Slack's Block Kit limits table is part of the product; the
# Azure sandbox, the fake Slack and the local workspace are never copied in, built or installed here.

FROM node:24-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY packages/block-kit-limits ./packages/block-kit-limits
COPY scripts ./scripts
COPY src ./src
# The root and the one product package only; scripts off so `prepare` does not build the stand-ins, then
# the one native module is compiled for this Node and the product built.
RUN npm ci --no-audit --no-fund --ignore-scripts --include-workspace-root --workspace @rdp-doctor/block-kit-limits \
  && npm rebuild better-sqlite3 \
  && npm run build:product

FROM node:24-bookworm-slim
ENV NODE_ENV=production PORT=3000 DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json manifest.yml manifest.socket.yml ./
COPY packages/block-kit-limits/package.json ./packages/block-kit-limits/package.json
# Production dependencies only. Install scripts stay off: there is no compiler here, and the one native
# module comes compiled from the build stage (same base image, same ABI).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --include-workspace-root --workspace @rdp-doctor/block-kit-limits
COPY --from=build /app/node_modules/better-sqlite3/build ./node_modules/better-sqlite3/build
COPY --from=build /app/packages/block-kit-limits/dist ./packages/block-kit-limits/dist
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/main.js"]
