# syntax=docker/dockerfile:1
# Toolchain stage: the Rust image plus cargo-chef, shared by the planner and the build.
FROM rust:1.95-slim-bookworm AS chef
RUN cargo install cargo-chef --locked --version 0.1.78
WORKDIR /src

# Planner stage: reduce the crate to a recipe (manifests, lock file and the
# targets cargo discovers in src/ and examples/). The recipe only changes when
# the dependencies or the target list change, not when the code does.
FROM chef AS planner
COPY Cargo.toml Cargo.lock build.rs ./
COPY src ./src
COPY examples ./examples
RUN cargo chef prepare --recipe-path recipe.json

# Build stage: compile the dependencies from the recipe in their own cached
# layer, then the sources, into the release binary. The desk's files, the
# locales and the seed memories are built into the binary.
FROM chef AS build
COPY --from=planner /src/recipe.json recipe.json
RUN cargo chef cook --release --locked --bin tetraglot --recipe-path recipe.json
COPY Cargo.toml Cargo.lock build.rs ./
COPY src ./src
COPY examples ./examples
COPY desk ./desk
COPY locales ./locales
COPY memories ./memories
RUN cargo build --release --locked --bin tetraglot \
 && strip target/release/tetraglot

# Run stage: the binary (with its locales and seed memories built in), as a
# non-root user.
FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin tetraglot \
 && mkdir -p /data \
 && chown 10001 /data
WORKDIR /app
COPY --from=build /src/target/release/tetraglot /usr/local/bin/tetraglot
# The master key comes from a secret file (`docker run --secret`, a Compose or Kubernetes
# secret mounted there); never from an environment variable an `inspect` shows.
ENV TETRAGLOT_LISTEN=0.0.0.0:8080 \
    TETRAGLOT_DATA_DIR=/data \
    TETRAGLOT_MASTER_KEY_FILE=/run/secrets/tetraglot_master_key
USER 10001
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["tetraglot", "health"]
ENTRYPOINT ["tetraglot"]
CMD ["serve"]
