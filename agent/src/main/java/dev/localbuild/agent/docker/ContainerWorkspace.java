package dev.localbuild.agent.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.localbuild.runtime.sandbox.Workspace;
import dev.localbuild.runtime.sandbox.WorkspaceEntry;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A build container's files, read through Docker's archive API: one tar stream per walk, however
 * many files, so collecting artifacts costs one round trip per pattern.
 */
final class ContainerWorkspace implements Workspace {
  private final DockerClient docker;
  private final String containerId;

  ContainerWorkspace(DockerClient docker, String containerId) {
    this.docker = docker;
    this.containerId = containerId;
  }

  @Override
  public Found walk(String path, Visitor visitor) throws IOException {
    InputStream raw;
    try {
      raw = docker.copyArchiveFromContainerCmd(containerId, path).exec();
    } catch (NotFoundException e) {
      return Found.NOTHING;
    } catch (RuntimeException e) {
      throw new IOException(
          "cannot read " + path + " from the build container: " + e.getMessage(), e);
    }
    Found found = Found.NOTHING;
    String top = null;
    try (TarArchiveInputStream tar = new TarArchiveInputStream(raw)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        String name = e.getName();
        if (name.endsWith("/")) {
          name = name.substring(0, name.length() - 1);
        }
        if (top == null) {
          // the archive holds the path under its own name: a directory's entries come below it
          top = name;
          found = e.isDirectory() ? Found.DIRECTORY : Found.FILE;
          if (found == Found.DIRECTORY) {
            continue;
          }
        }
        String rel = name.equals(top) ? "" : name.substring(top.length() + 1);
        visitor.visit(entry(rel, e), tar);
      }
    } catch (IOException e) {
      throw new IOException(
          "cannot read " + path + " from the build container: " + e.getMessage(), e);
    }
    return found;
  }

  private static WorkspaceEntry entry(String rel, TarArchiveEntry e) {
    WorkspaceEntry.Type type =
        e.isSymbolicLink()
            ? WorkspaceEntry.Type.SYMLINK
            : e.isDirectory() ? WorkspaceEntry.Type.DIRECTORY : WorkspaceEntry.Type.FILE;
    return new WorkspaceEntry(
        rel,
        type,
        e.getSize(),
        e.getMode() & 07777,
        e.isSymbolicLink() ? e.getLinkName() : null,
        e.getModTime().toInstant());
  }

  /**
   * Docker extracts inside the container's own root (symlinks resolve there), so nothing reaches
   * this machine; the entries were already checked against the roots by the cache.
   */
  @Override
  public void unpack(InputStream tar, java.util.List<String> roots) throws IOException {
    try {
      docker
          .copyArchiveToContainerCmd(containerId)
          .withTarInputStream(tar)
          .withRemotePath("/")
          .exec();
    } catch (RuntimeException e) {
      throw new IOException("cannot write into the build container: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<byte[]> read(String path, long maxBytes) throws IOException {
    String current = path;
    for (int hops = 0; hops < 16; hops++) {
      byte[][] content = new byte[1][];
      String[] link = new String[1];
      Found found =
          walk(
              current,
              (e, in) -> {
                if (!e.path().isEmpty()) {
                  return;
                }
                if (e.type() == WorkspaceEntry.Type.SYMLINK) {
                  link[0] = e.linkTarget();
                } else if (e.type() == WorkspaceEntry.Type.FILE) {
                  if (e.size() > maxBytes) {
                    throw new IOException(path + " is larger than " + maxBytes + " bytes");
                  }
                  content[0] = in.readAllBytes();
                }
              });
      if (found != Found.FILE) {
        return Optional.empty();
      }
      if (content[0] != null) {
        return Optional.of(content[0]);
      }
      if (link[0] == null) {
        return Optional.empty();
      }
      current =
          link[0].startsWith("/")
              ? link[0]
              : current.substring(0, current.lastIndexOf('/') + 1) + link[0];
    }
    return Optional.empty(); // a link loop
  }
}
