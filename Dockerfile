# syntax=docker/dockerfile:1
# The Ramp image: the controller (entrypoint) and the dashboard (`node bin/kubectl-ramp.mjs
# dashboard`, as install/dashboard runs it), both compiled to JavaScript in the build stage
# (scripts/build.mjs), so no TypeScript is compiled at run time; the dashboard's web app is built
# in the same stage.
#   docker build -t ramp:0.1.0 .

# Production dependencies only.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# The build tools (esbuild, tsx, vite and its React plugin) are dev dependencies: all of them here.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY scripts/build.mjs ./scripts/build.mjs
COPY controller ./controller
COPY client ./client
COPY dashboard ./dashboard
RUN node scripts/build.mjs && node --import tsx dashboard/build.ts

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY --from=build /app/dist ./dist
# Only the web app's build: without its sources beside it the dashboard never tries to rebuild it.
COPY --from=build /app/dashboard/web/dist ./dashboard/web/dist
# The node image's unprivileged user (uid 1000), which the manifests' runAsUser names.
USER 1000:1000
EXPOSE 8090 8080 3100
ENTRYPOINT ["node", "dist/controller.js"]
