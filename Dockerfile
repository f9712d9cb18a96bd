# Baton in a container: one image, built once, runs any number of instances (deploy/compose.yaml).
# No Docker engine runs where Baton is developed, so this file is checked by reading, not by CI;
# docs/deployment.md says what it relies on.
#
# The base is pinned by digest so a rebuild gets the same Node. This digest is node:24-bookworm-slim as
# published for Node 24.18.0 (taken from public Dockerfiles; Docker Hub was unreachable from here).
# Refresh it with `docker buildx imagetools inspect node:24-bookworm-slim` and paste the index digest.
ARG NODE_IMAGE=node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# manifests first: the dependency layer is rebuilt only when they change. No compiler is needed:
# better-sqlite3 and @node-rs/argon2 ship prebuilt binaries for linux x64 and arm64.
COPY package.json package-lock.json ./
COPY packages/proto/package.json packages/proto/
COPY apps/server/package.json apps/server/
COPY apps/widget/package.json apps/widget/
COPY apps/desk/package.json apps/desk/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
WORKDIR /app
# V8's young generation capped at Node 20's size: Node 22+ grows it further, ~50 MB more RSS on an
# instance holding 10,000 sockets, with no measurable throughput gain here (bench/NOTES.md)
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 DATA_DIR=/data NODE_OPTIONS=--max-semi-space-size=16
# only what runs: the server and proto as built, the UIs' built assets it serves, the demo bot it
# installs on first start, and the production node_modules (workspace links included)
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/packages/proto/package.json packages/proto/
COPY --from=build /app/packages/proto/dist packages/proto/dist
COPY --from=build /app/apps/server/package.json apps/server/
COPY --from=build /app/apps/server/dist apps/server/dist
COPY --from=build /app/apps/widget/package.json apps/widget/
COPY --from=build /app/apps/widget/dist apps/widget/dist
COPY --from=build /app/apps/desk/package.json apps/desk/
COPY --from=build /app/apps/desk/dist apps/desk/dist
COPY --from=build /app/examples/demo-bot.yaml examples/
# the volume takes the ownership of the folder in the image: created by root, the node user could not
# write its database or secret key there (EACCES)
RUN mkdir -p /data && chown node:node /data
VOLUME /data
EXPOSE 8080
USER node
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:8080/readyz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "apps/server/dist/main.js"]
