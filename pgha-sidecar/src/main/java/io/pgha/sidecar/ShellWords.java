package io.pgha.sidecar;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line into words as Python's {@code shlex.split} does (POSIX mode), which is how
 * Patroni splits {@code bootstrap.<method>.command} and the other commands of its file: blanks
 * separate words, single quotes keep everything, double quotes keep all but {@code \"} and {@code
 * \\}, a backslash outside quotes escapes the next character.
 */
final class ShellWords {
  private ShellWords() {}

  /**
   * @throws IllegalArgumentException for an unclosed quote or a trailing backslash
   */
  static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i++);
      if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else if (c == '\'') {
        int end = line.indexOf('\'', i);
        if (end < 0) {
          throw new IllegalArgumentException("unclosed single quote in: " + line);
        }
        word.append(line, i, end);
        i = end + 1;
        inWord = true;
      } else if (c == '"') {
        inWord = true;
        while (true) {
          if (i >= line.length()) {
            throw new IllegalArgumentException("unclosed double quote in: " + line);
          }
          char d = line.charAt(i++);
          if (d == '"') {
            break;
          }
          if (d == '\\' && i < line.length() && "\"\\$`\n".indexOf(line.charAt(i)) >= 0) {
            d = line.charAt(i++);
          }
          word.append(d);
        }
      } else if (c == '\\') {
        if (i >= line.length()) {
          throw new IllegalArgumentException("trailing backslash in: " + line);
        }
        word.append(line.charAt(i++));
        inWord = true;
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }
}
