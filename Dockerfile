# fabric-sync server image: Node 20, git CLI for repository access, the TypeScript sources run
# through the tsx loader (no separate build step to drift from what the tests ran).
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends git openssh-client ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
ENV NODE_ENV=production PORT=4000 FABRIC_SYNC_DATA_DIR=/data
VOLUME /data
EXPOSE 4000
USER node
CMD ["node", "--import", "tsx", "src/main.ts"]
