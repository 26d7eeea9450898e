"""The bundled demo: a directory site served on 127.0.0.1 and a full compliant crawl."""
