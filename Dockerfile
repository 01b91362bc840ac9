# Multi-stage: build with dev dependencies, run with production dependencies only, as a non-root user.
# Every step is a plain command, so the same build runs without a Docker engine (see README).
# Of the workspace packages (packages/) only Slack's Block Kit limits table is part of the product; the
# Azure sandbox, the fake Slack and the local workspace are never copied in, built or installed here.

FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY packages/block-kit-limits ./packages/block-kit-limits
COPY scripts ./scripts
COPY src ./src
# Install the root and the one product package only; scripts off so `prepare` does not build the stand-ins,
# then the one native module is built and the product compiled; then only production dependencies stay.
RUN npm ci --no-audit --no-fund --ignore-scripts --include-workspace-root --workspace @rdp-doctor/block-kit-limits \
  && npm rebuild better-sqlite3 \
  && npm run build:product \
  && npm prune --omit=dev --include-workspace-root --workspace @rdp-doctor/block-kit-limits

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000 DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages/block-kit-limits/package.json ./packages/block-kit-limits/package.json
COPY --from=build /app/packages/block-kit-limits/dist ./packages/block-kit-limits/dist
COPY --from=build /app/dist ./dist
COPY package.json manifest.yml ./
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/main.js"]
