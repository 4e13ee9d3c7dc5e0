# The image of async-table-query (SPEC §13). Build it after `mvn package -DskipTests`:
#   docker build -t async-table-query .          (or `podman build`, or `az acr build -r <registry> -t ... .`)
# Any base image whose `java` is 17 or newer will do: --build-arg BASE_IMAGE=<image>.
ARG BASE_IMAGE=eclipse-temurin:17-jre
FROM ${BASE_IMAGE}

WORKDIR /app
# The jar, its settings and the YAML routes, owned by root and read-only to the user that runs them.
COPY target/async-table-query.jar application.properties ./
COPY routes/ routes/

# Configured by environment variables alone: JOBS_DISPATCH, AZURE_STORAGE_CREDENTIAL_TYPE, CAMEL_SERVER_PORT, ...
# /tmp is the only path it writes to (Vert.x's file cache); the root filesystem may be read-only.
ENV HOME=/tmp
USER 10001:10001
EXPOSE 8080 9876

# java is PID 1 (exec form, no shell), so SIGTERM reaches it and starts the graceful shutdown (SPEC §5);
# the heap follows the container's memory limit.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp", "-jar", "async-table-query.jar"]
