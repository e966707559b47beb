"""Templates that tempt a planner into false positives: each differs from its list-response
form in some way that is not a real difference (presets, re-hosted media, named samples, FLOW
defaults, trailing newlines, case). Plan right after apply must show none of them as a change.

Every entry validates without errors, so the end-to-end tests can apply them as they are.
"""

from __future__ import annotations

CATALOGUE: dict[str, str] = {
    "block_scalar": """\
        name: block_scalar
        category: UTILITY
        languages:
          en_US:
            header:
              format: text
              text: |
                Order {{1}}
              examples: ["A-17"]
            body:
              text: |
                Hello {{1}}, your order has shipped.
                It arrives on Tuesday.
              examples: ["Ana"]
            footer:
              text: "Thanks for shopping   "
            buttons:
              - {type: quick_reply, text: "  Thanks  "}
          es_ES:
            body:
              text: >
                Hola {{1}}, tu pedido
                ha sido enviado.
              examples: ["Ana"]
        """,
    "login_code": """\
        name: login_code
        category: AUTHENTICATION
        message_send_ttl_seconds: 600
        languages:
          en_US:
            body:
              add_security_recommendation: true
              examples: ["482913"]
            footer:
              code_expiration_minutes: 10
            buttons:
              - type: OTP
                otp_type: COPY_CODE
                text: Copy code
          es:
            body:
              add_security_recommendation: false
            buttons:
              - {type: OTP, otp_type: COPY_CODE}
          fr:
            body: {}
            buttons:
              - {type: OTP, otp_type: COPY_CODE}
        """,
    "media_header": """\
        name: media_header
        category: MARKETING
        allow_category_change: false
        languages:
          en_US:
            header:
              format: image
              examples: ["https://cdn.example.com/banner.jpg"]
            body:
              text: "Our spring sale starts today, {{1}}. Reply STOP to opt out."
              examples: ["Ana"]
        """,
    "named_params": """\
        name: named_params
        category: UTILITY
        languages:
          en_US:
            body:
              text: >-
                Hi {{first_name}}, your order {{order_id}} leaves our warehouse
                on {{ship_date}} as we planned.
              examples:
                ship_date: "May 3"
                order_id: "A-123"
                first_name: Ana
        """,
    "weekly_picks": """\
        name: weekly_picks
        category: MARKETING
        languages:
          en_US:
            body:
              text: "Hi {{1}}, here are this week's picks. Reply STOP to opt out."
              examples: ["Ana"]
            carousel:
              - header: {format: IMAGE, examples: ["https://cdn.example.com/boots.jpg"]}
                body:
                  text: "Leather boots, now {{1}}"
                  examples: ["$89"]
                buttons:
                  - {type: URL, text: View, url: "https://example.com/p/{{1}}", examples: ["b"]}
                  - {type: QUICK_REPLY, text: Not for me}
              - header: {format: IMAGE, examples: ["https://cdn.example.com/scarf.png"]}
                body:
                  text: "Wool scarf, now {{1}}"
                  examples: ["$25"]
                buttons:
                  - {type: URL, text: View, url: "https://example.com/p/{{1}}", examples: ["s"]}
                  - {type: QUICK_REPLY, text: Not for me}
        """,
    "book_visit": """\
        name: book_visit
        category: UTILITY
        languages:
          en_US:
            body:
              text: "Your visit with us can be booked online in two minutes."
            buttons:
              - type: FLOW
                text: Book
                flow_id: "1234567890123456"
              - type: PHONE_NUMBER
                text: Call us
                phone_number: "+14155550100"
        """,
}
