package io.pgha.sidecar;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A YAML file composed into nodes that remember their line, indexed by dotted path ({@code
 * postgresql.authentication.superuser.password}). Only the node graph is built: no Java object is
 * ever constructed from the file, so a hostile file cannot instantiate anything.
 */
final class YamlTree {
  private static final int MAX_FILE_BYTES = 1024 * 1024;

  private final String file;
  private final Map<String, Node> byPath = new LinkedHashMap<>();
  private final Map<String, Integer> keyLines = new LinkedHashMap<>();

  private YamlTree(String file) {
    this.file = file;
  }

  /**
   * Reads and composes {@code path}.
   *
   * @throws ConfigFileException when the file cannot be read, is not YAML, or is not a mapping
   */
  static YamlTree read(Path path) {
    String text;
    try {
      if (Files.size(path) > MAX_FILE_BYTES) {
        throw new ConfigFileException(
            path.toString(), List.of("the file is larger than " + MAX_FILE_BYTES + " bytes"));
      }
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigFileException(
          path.toString(), List.of("cannot read the file: " + e.getClass().getSimpleName()));
    }
    return parse(path.toString(), text);
  }

  /** Composes {@code text}, named {@code file} in messages. */
  static YamlTree parse(String file, String text) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(50);
    options.setCodePointLimit(MAX_FILE_BYTES);
    Node root;
    try (Reader reader = new StringReader(text)) {
      root = new Yaml(options).compose(reader);
    } catch (MarkedYAMLException e) {
      throw new ConfigFileException(file, List.of(describe(e)));
    } catch (YAMLException | IOException e) {
      throw new ConfigFileException(file, List.of("not valid YAML: " + e.getMessage()));
    }
    YamlTree tree = new YamlTree(file);
    if (root == null) {
      throw new ConfigFileException(file, List.of("the file is empty"));
    }
    if (!(root instanceof MappingNode mapping)) {
      throw new ConfigFileException(
          file,
          List.of(
              "line "
                  + line(root)
                  + ": the document must be a mapping of keys (scope, name, etcd3, ...), not a "
                  + kind(root)));
    }
    tree.index("", mapping);
    return tree;
  }

  private static String describe(MarkedYAMLException e) {
    Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    StringBuilder text = new StringBuilder();
    if (mark != null) {
      text.append("line ")
          .append(mark.getLine() + 1)
          .append(", column ")
          .append(mark.getColumn() + 1);
      text.append(": ");
    }
    text.append("not valid YAML: ");
    if (e.getContext() != null) {
      text.append(e.getContext());
      if (e.getContextMark() != null && e.getContextMark() != mark) {
        text.append(" (line ").append(e.getContextMark().getLine() + 1).append(")");
      }
      text.append(", ");
    }
    text.append(e.getProblem() == null ? "" : e.getProblem());
    String near = nearKey(mark == null ? null : mark.getBuffer(), mark);
    if (near != null) {
      text.append(" (at key '").append(near).append("')");
    }
    return text.toString();
  }

  /** The key written on the line of the error, if the line has one: users look for keys. */
  private static String nearKey(int[] buffer, Mark mark) {
    if (buffer == null || mark == null) {
      return null;
    }
    String all = new String(buffer, 0, buffer.length);
    String[] lines = all.split("\n", -1);
    int index = mark.getLine();
    for (int i = Math.min(index, lines.length - 1); i >= 0 && i >= index - 1; i--) {
      String l = lines[i].strip();
      if (l.startsWith("- ")) {
        l = l.substring(2);
      }
      int colon = l.indexOf(':');
      if (colon > 0 && !l.startsWith("#")) {
        return l.substring(0, colon).strip();
      }
    }
    return null;
  }

  private void index(String prefix, MappingNode mapping) {
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      String key = keyNode instanceof ScalarNode s ? s.getValue() : "<" + kind(keyNode) + " key>";
      String path = prefix.isEmpty() ? key : prefix + "." + key;
      if (byPath.containsKey(path)) {
        throw new ConfigFileException(
            file,
            List.of(
                "line "
                    + line(keyNode)
                    + ": key "
                    + path
                    + " appears twice (first at line "
                    + keyLines.get(path)
                    + ")"));
      }
      byPath.put(path, tuple.getValueNode());
      keyLines.put(path, line(keyNode));
      if (tuple.getValueNode() instanceof MappingNode child) {
        index(path, child);
      }
    }
  }

  String file() {
    return file;
  }

  /** Every key path of the file, in file order, parents before children. */
  List<String> paths() {
    return List.copyOf(byPath.keySet());
  }

  Optional<Node> node(String path) {
    return Optional.ofNullable(byPath.get(path));
  }

  boolean has(String path) {
    return byPath.containsKey(path);
  }

  /** The line of the key {@code path} (1-based), or 0 when the file does not have it. */
  int lineOf(String path) {
    return keyLines.getOrDefault(path, 0);
  }

  /** The direct child keys of the mapping at {@code path}, in file order. */
  List<String> childKeys(String path) {
    Node n = byPath.get(path);
    if (!(n instanceof MappingNode m)) {
      return List.of();
    }
    return m.getValue().stream()
        .map(NodeTuple::getKeyNode)
        .filter(ScalarNode.class::isInstance)
        .map(k -> ((ScalarNode) k).getValue())
        .toList();
  }

  static int line(Node node) {
    return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
  }

  static String kind(Node node) {
    if (node instanceof MappingNode) {
      return "mapping";
    }
    if (node instanceof SequenceNode) {
      return "list";
    }
    return "scalar";
  }
}
