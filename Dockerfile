# fabric-sync server image: Node 20, git CLI for repository access, the server bundled by
# `npm run build` (scripts/build.ts) and run by plain node: the tsx loader would cost ~110 MB of RSS.
# The node flags and MALLOC_MMAP_THRESHOLD_ are the ones `npm start` uses (see scripts/build.ts).
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends git openssh-client ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
ENV NODE_ENV=production PORT=4000 FABRIC_SYNC_DATA_DIR=/data MALLOC_MMAP_THRESHOLD_=16384
# The data dir belongs to the user the server runs as: without DATABASE_URL its PostgreSQL lives
# there, started as that same user (PostgreSQL refuses root).
RUN mkdir -m 0700 /data && chown node:node /data
VOLUME /data
EXPOSE 4000
USER node
CMD ["node", "--heap-growing-percent=30", "--max-semi-space-size=8", "dist/main.js"]
