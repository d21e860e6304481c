# localbuild as an image: `serve` (or `run`) against the host's Docker engine, whose socket is
# mounted in. Build it from a checkout, after the jar and the runtime it runs on:
#
#   ./mvnw -q -DskipTests package && bin/image-runtime && docker build -t localbuild .
#   docker run -d -v /var/run/docker.sock:/var/run/docker.sock -v localbuild:/var/lib/localbuild \
#     -p 127.0.0.1:4591:4591 localbuild
#   docker exec <container> localbuild serve keys create
#
# Based on Debian 12 (no Java 21 there: the runtime is linked from the JDK that built the jar).
# git is for projects whose source is a repository: it is cloned in DOWNLOAD_SOURCE.
FROM debian:bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates openssh-client \
 && rm -rf /var/lib/apt/lists/*
COPY agent/target/runtime /opt/localbuild/runtime
COPY agent/target/localbuild.jar /opt/localbuild/localbuild.jar
# as bin/localbuild: the long-lived server gets a bounded heap that the serial collector gives back
RUN printf '#!/bin/sh\nopts=""\n[ "${1:-}" = serve ] && opts="-XX:+UseSerialGC -Xmx512m"\nexec /opt/localbuild/runtime/bin/java -XX:TieredStopAtLevel=1 $opts ${LOCALBUILD_JAVA_OPTS:-} -jar /opt/localbuild/localbuild.jar "$@"\n' \
      > /usr/local/bin/localbuild \
 && chmod 0755 /usr/local/bin/localbuild
ENV LOCALBUILD_HOME=/var/lib/localbuild
VOLUME /var/lib/localbuild
EXPOSE 4591
ENTRYPOINT ["/usr/local/bin/localbuild"]
# in a container the server listens on every interface: publish the port to say who reaches it
CMD ["serve", "--bind", "0.0.0.0"]
