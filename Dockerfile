# yarc in a container: `docker run --rm -v "$PWD:/work" IMAGE run collections --env stage`.
# Stage 1 builds the release binary; stage 2 is Debian slim with CA certificates and a
# non-root user, nothing else.
FROM rust:1.95-slim-trixie AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin yarc \
 && strip target/release/yarc

FROM debian:trixie-slim
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 --user-group yarc
COPY --from=build /src/target/release/yarc /usr/local/bin/yarc
USER 10001:10001
WORKDIR /work
ENTRYPOINT ["yarc"]
CMD ["--help"]
