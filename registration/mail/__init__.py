"""E-mail to attendees: the outbox, the messages, and the processor that sends them."""
