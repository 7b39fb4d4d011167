package io.pgha.examples.springboot;

import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class NoteController {
  private final NoteService notes;

  public NoteController(NoteService notes) {
    this.notes = notes;
  }

  @PostMapping("/notes")
  public Note add(@RequestBody String body) {
    return notes.add(body);
  }

  @GetMapping("/notes")
  public List<Note> latest(@RequestParam(defaultValue = "10") int limit) {
    return notes.latest(Math.min(Math.max(limit, 1), 100));
  }

  @GetMapping("/notes/server")
  public Map<String, Object> server() {
    return notes.readServer();
  }
}
