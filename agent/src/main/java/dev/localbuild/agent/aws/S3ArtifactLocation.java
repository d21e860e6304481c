package dev.localbuild.agent.aws;

import dev.localbuild.agent.project.ProjectConfig;
import dev.localbuild.runtime.model.BuildIdentity;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Where CodeBuild puts an artifact in S3: {@code location} is the bucket (or {@code bucket/path}),
 * then {@code path}, the build's ID when {@code namespaceType} is BUILD_ID, and {@code name} (the
 * buildspec's {@code artifacts.name} when {@code overrideArtifactName} is set; {@code /} means no
 * name). With ZIP packaging the key is the zip; with NONE, a folder of the artifact's files.
 *
 * <p>The build ID in keys is the build's UUID, the part of {@code project:uuid} after the colon.
 *
 * @param bucket the bucket
 * @param key the zip's key, or the folder (no trailing slash; empty for the bucket's root)
 * @param zip whether the artifact is one zip (ZIP packaging) or its files (NONE)
 */
public record S3ArtifactLocation(String bucket, String key, boolean zip) {
  public static S3ArtifactLocation of(
      ProjectConfig.Artifacts dest, BuildIdentity build, @Nullable String buildspecName) {
    String location = dest.location() == null ? "" : dest.location();
    int slash = location.indexOf('/');
    String bucket = slash < 0 ? location : location.substring(0, slash);
    List<String> parts = new ArrayList<>();
    if (slash >= 0) {
      parts.add(location.substring(slash + 1));
    }
    if (dest.path() != null) {
      parts.add(dest.path());
    }
    if ("BUILD_ID".equals(dest.namespaceType())) {
      parts.add(build.uuid().toString());
    }
    String name =
        dest.overrideArtifactName() && buildspecName != null
            ? buildspecName
            : dest.name() != null ? dest.name() : build.projectName();
    boolean zip = !"NONE".equals(dest.packaging());
    if (!name.equals("/")) {
      parts.add(name);
    } else if (zip) {
      parts.add(build.projectName() + ".zip"); // a zip needs a name even at the root
    }
    String key =
        String.join("/", parts.stream().filter(p -> !p.isBlank()).toList())
            .replaceAll("/{2,}", "/")
            .replaceAll("^/|/$", "");
    return new S3ArtifactLocation(bucket, key, zip);
  }

  /** {@code arn:aws:s3:::bucket/key}, as builds' {@code artifacts.location} shows it. */
  public String arn() {
    return "arn:aws:s3:::" + bucket + (key.isEmpty() ? "" : "/" + key);
  }

  /** The key of one file of a NONE-packaged artifact. */
  public String fileKey(String path) {
    return key.isEmpty() ? path : key + "/" + path;
  }
}
