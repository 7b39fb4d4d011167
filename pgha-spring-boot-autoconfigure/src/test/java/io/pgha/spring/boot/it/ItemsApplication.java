package io.pgha.spring.boot.it;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A small web application on the pgha starter: items written and read over HTTP. */
@SpringBootApplication
public class ItemsApplication {}
