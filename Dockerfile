# The hub image: Node.js 20 running the repository's TypeScript through tsx (no build step). One image for
# the hub (`start`, the default) and the simulators (`sim ...`), as docker-compose.yml uses it.
FROM node:20-bookworm-slim

ENV NODE_ENV=production
WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

COPY . .

# State (spool, alert state, archive) lives in /var/lib/hub: a volume owned by the unprivileged user.
RUN mkdir -p /var/lib/hub && chown node:node /var/lib/hub
USER node
VOLUME ["/var/lib/hub"]

# MQTT over TCP, MQTT over WebSocket, HTTP API (health, metrics, latest state).
EXPOSE 1883 8083 8080

ENTRYPOINT ["node", "bin/hub.js"]
CMD ["start"]
