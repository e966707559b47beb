"""The sandbox: an emulator of 8x8's WhatsApp template endpoints with a simulated Meta review.

Run in-process (`embedded.open_transport`, what `--sandbox` uses) or over HTTP
(`wa-templates sandbox serve`, `serve.start_in_thread` for tests). README.md beside this file
documents the behaviour and the admin API.
"""
