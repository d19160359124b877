# syntax=docker/dockerfile:1
# Build stage: compile the release binary.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY examples ./examples
RUN cargo build --release --locked --bin tetraglot \
 && strip target/release/tetraglot

# Run stage: the binary, the seed memories and the locales, as a non-root user.
FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin tetraglot \
 && mkdir -p /data \
 && chown 10001 /data
WORKDIR /app
COPY --from=build /src/target/release/tetraglot /usr/local/bin/tetraglot
COPY memories ./memories
COPY locales ./locales
ENV TETRAGLOT_LISTEN=0.0.0.0:8080 \
    TETRAGLOT_DATA_DIR=/data \
    TETRAGLOT_SEED_DIR=/app/memories \
    TETRAGLOT_LOCALES_DIR=/app/locales
USER 10001
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["tetraglot", "health"]
ENTRYPOINT ["tetraglot"]
CMD ["serve"]
