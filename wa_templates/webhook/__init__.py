"""Webhook: the receiver of 8x8's Business Management events (`app`, `serve`), which accounts it
takes them for (`accounts`), the notifications they cause (`notify`, `deliver`), and registering
the receiver with 8x8's Webhook Configuration API (`register`)."""
