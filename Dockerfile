# Vigile: the WAR built with Maven, run on a pinned Payara Micro image as a non-root user.
# No secret is baked in: every setting comes from the environment at run time (see README).

FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
RUN mvn -B -q dependency:go-offline -DexcludeArtifactIds=payara-micro
COPY src ./src
RUN mvn -B -q -DskipTests -Dmdep.skip=true package

FROM payara/micro:6.2025.10-jdk17
LABEL org.opencontainers.image.title="Vigile" \
      org.opencontainers.image.description="Identity and user management for Jakarta EE" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build --chown=payara:payara /src/target/vigile.war /opt/vigile/vigile.war
COPY --chown=payara:payara payara/ /opt/vigile/payara/
USER payara
EXPOSE 8080 6900
HEALTHCHECK --interval=15s --timeout=5s --retries=6 \
  CMD ["/opt/vigile/payara/docker-entrypoint.sh", "healthcheck"]
ENTRYPOINT ["/opt/vigile/payara/docker-entrypoint.sh"]
