package io.pgha.spring.boot.it;

import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class ItemController {
  private final ItemService items;

  public ItemController(ItemService items) {
    this.items = items;
  }

  @PostMapping("/items/{id}")
  public Map<String, Object> add(@PathVariable long id) {
    return items.add(id, "item-" + id);
  }

  @GetMapping("/items/count")
  public Map<String, Object> count() {
    return items.count();
  }
}
