# syntax=docker/dockerfile:1
# The Ramp image: the controller (entrypoint) and the dashboard (`node bin/kubectl-ramp.mjs
# dashboard`, as install/dashboard runs it). TypeScript runs through tsx, a runtime dependency, so
# there is no emit step; the dashboard's web app is built in its own stage.
#   docker build -t ramp:0.1.0 .

# Production dependencies only.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# The web app needs the build tools (vite, its React plugin): all dependencies, then the build.
FROM node:20-bookworm-slim AS web
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY controller ./controller
COPY client ./client
COPY dashboard ./dashboard
RUN node --import tsx dashboard/build.ts

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY bin ./bin
COPY controller ./controller
COPY client ./client
COPY dashboard ./dashboard
COPY --from=web /app/dashboard/web/dist ./dashboard/web/dist
# The dashboard rebuilds a web app older than its sources; this one is current, say so by its time.
RUN touch dashboard/web/dist/index.html
# The node image's unprivileged user (uid 1000), which the manifests' runAsUser names.
USER 1000:1000
EXPOSE 8090 8080 3100
ENTRYPOINT ["node", "--import", "tsx", "controller/main.ts"]
