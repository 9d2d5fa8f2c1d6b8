# The checkout service. docker-compose.yml runs it beside Postgres, Temporal and a dev chain.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /out/checkout ./cmd/checkout

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/checkout /usr/local/bin/checkout
USER nobody
EXPOSE 4242
ENTRYPOINT ["checkout"]
CMD ["serve"]
