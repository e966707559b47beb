"""A channel written by hand in 8x8's list shape, covering every component and button type.

Written out rather than produced by the sandbox's listing, so that the import tests do not only
prove that the tool agrees with itself: header formats capitalised, samples under `example`,
buttons' samples under `example`, camelCase button keys, AUTHENTICATION in Meta's wording, and
the display fields 8x8 adds.
"""

from __future__ import annotations

from typing import Any

CHANNEL_ID = "8f14e45f-ceea-4e7a-9b2d-3c1a7e6d5b90"
STAMP = "2024-05-01T12:00:00.00Z"


def item(
    name: str,
    language: str,
    category: str,
    components: list[dict[str, Any]],
    status: str = "APPROVED",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "channelId": CHANNEL_ID,
        "channelName": "Northwind WhatsApp",
        "templateName": name,
        "language": language,
        "languageName": language,
        "components": components,
        "category": category,
        "categoryName": category.capitalize(),
        "status": status,
        "statusName": status.capitalize(),
        "createdAt": STAMP,
        "updatedAt": STAMP,
        **extra,
    }


def body(text: str, *samples: str) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "BODY", "text": text}
    if samples:
        out["example"] = {"bodyText": list(samples)}
    return out


def media(fmt: str, url: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "HEADER", "format": fmt}
    if url:
        out["example"] = {"headerHandle": [url]}
    return out


def buttons(*rows: dict[str, Any]) -> dict[str, Any]:
    return {"type": "BUTTONS", "buttons": list(rows)}


AUTH_SECURE = "*{{1}}* is your verification code. For your security, do not share this code."
APPS = [{"package_name": "com.example.shop", "signature_hash": "K8a/AINcGX7"}]

ITEMS: list[dict[str, Any]] = [
    item(
        "order_update",
        "en_US",
        "UTILITY",
        [
            {
                "type": "HEADER",
                "format": "Text",
                "text": "Order {{1}}",
                "example": {"headerText": ["NW-1"]},
            },
            body(
                "Hi {{1}}, your order {{2}} has shipped.\n\nIt should arrive by {{3}}. Thanks for"
                " shopping with us.",
                "Maria",
                "NW-1",
                "Friday",
            ),
            {"type": "FOOTER", "text": "Northwind Outfitters"},
            buttons(
                {
                    "type": "URL",
                    "text": "Track order",
                    "url": "https://example.com/t/{{1}}",
                    "example": ["NW-1"],
                },
                {"type": "PHONE_NUMBER", "text": "Call us", "phoneNumber": "+14155550123"},
            ),
        ],
    ),
    item(
        "order_update",
        "es_MX",
        "UTILITY",
        [
            {
                "type": "HEADER",
                "format": "Text",
                "text": "Pedido {{1}}",
                "example": {"headerText": ["NW-1"]},
            },
            body(
                "Hola {{1}}, tu pedido {{2}} fue enviado.\nDebería llegar el {{3}}. Gracias"
                " por tu compra.\n",
                "María",
                "NW-1",
                "viernes",
            ),
            {"type": "FOOTER", "text": "Northwind Outfitters"},
            buttons(
                {
                    "type": "URL",
                    "text": "Rastrear",
                    "url": "https://example.com/t/{{1}}",
                    "example": ["NW-1"],
                },
                {
                    "type": "PHONE_NUMBER",
                    "text": "Llamar",
                    "phoneNumber": "5555550123",
                    "country": "MX",
                },
            ),
        ],
    ),
    item(
        "welcome_named",
        "en_US",
        "UTILITY",
        [
            body(
                "Hi {{first_name}}, your account {{account_id}} is ready to use today.",
                "Ana",
                "AC-7",
            )
        ],
    ),
    item(
        "login_code",
        "en_US",
        "AUTHENTICATION",
        [
            body(AUTH_SECURE, "482913"),
            {"type": "FOOTER", "text": "This code expires in 10 minutes."},
            buttons({"type": "OTP", "otp_type": "COPY_CODE", "text": "Copy code"}),
        ],
    ),
    item(
        "login_code",
        "fr",
        "AUTHENTICATION",
        [
            body("*{{1}}* is your verification code.", "482913"),
            buttons({"type": "OTP", "otp_type": "copy_code", "text": "Copier le code"}),
        ],
    ),
    item(
        "one_tap_code",
        "en_US",
        "AUTHENTICATION",
        [
            body(AUTH_SECURE, "551200"),
            {"type": "FOOTER", "text": "This code expires in 1 minute."},
            buttons(
                {
                    "type": "OTP",
                    "otp_type": "ONE_TAP",
                    "text": "Copy code",
                    "autofill_text": "Autofill",
                    "supported_apps": APPS,
                }
            ),
        ],
    ),
    item(
        "zero_tap_code",
        "en_US",
        "AUTHENTICATION",
        [
            body(AUTH_SECURE, "551200"),
            buttons(
                {
                    "type": "OTP",
                    "otp_type": "ZERO_TAP",
                    "text": "Copy code",
                    "autofill_text": "Autofill",
                    "supported_apps": APPS,
                    "zero_tap_terms_accepted": True,
                }
            ),
        ],
    ),
    item(
        "spring_promo",
        "en_US",
        "MARKETING",
        [
            media("Image", "https://cdn.example.com/spring.jpg"),
            body(
                "Hi {{1}}, take {{2}} off everything this week with the code below. *Enjoy!*",
                "Sam",
                "25%",
            ),
            {"type": "FOOTER", "text": "Reply STOP to unsubscribe"},
            buttons(
                {"type": "COPY_CODE", "example": ["SPRING25"]},
                {"type": "URL", "text": "Shop now", "url": "https://shop.example.com/spring"},
            ),
        ],
    ),
    item(
        "new_arrivals",
        "en_US",
        "MARKETING",
        [
            body(
                "Hi {{1}}, swipe to see this season's new arrivals. Reply STOP to opt out.", "Sam"
            ),
            {
                "type": "CAROUSEL",
                "cards": [
                    {
                        "components": [
                            media("Image", "https://cdn.example.com/jacket.jpg"),
                            body("Trail Jacket, now {{1}}.", "$129"),
                            buttons(
                                {
                                    "type": "URL",
                                    "text": "View",
                                    "url": "https://shop.example.com/p/{{1}}",
                                    "example": ["jacket"],
                                },
                                {"type": "QUICK_REPLY", "text": "More like this"},
                            ),
                        ]
                    },
                    {
                        "components": [
                            media("Image", "https://cdn.example.com/boots.jpg"),
                            body("Summit Boots, now {{1}}.", "$149"),
                            buttons(
                                {
                                    "type": "URL",
                                    "text": "View",
                                    "url": "https://shop.example.com/p/{{1}}",
                                    "example": ["boots"],
                                },
                                {"type": "QUICK_REPLY", "text": "More like this"},
                            ),
                        ]
                    },
                ],
            },
        ],
    ),
    item(
        "invoice_ready",
        "en_US",
        "UTILITY",
        [
            media("Document", "https://cdn.example.com/invoice-20931.pdf"),
            body(
                "Hi {{1}}, your invoice {{2}} is attached. Payment is due within 30 days.",
                "Maria",
                "INV-20931",
            ),
            buttons(
                {
                    "type": "URL",
                    "text": "Pay invoice",
                    "url": "https://billing.example.com/i/{{1}}",
                    "example": ["INV-20931"],
                }
            ),
        ],
    ),
    item(
        "visit_reminder",
        "en_US",
        "UTILITY",
        [
            media("Location"),
            body(
                "Hi {{1}}, this is a reminder of your visit on {{2}} at the clinic shown above.",
                "Maria",
                "Tuesday",
            ),
            buttons(
                {"type": "QUICK_REPLY", "text": "Confirm"},
                {"type": "QUICK_REPLY", "text": "Reschedule"},
            ),
        ],
    ),
    item(
        "booking_flow",
        "en_US",
        "UTILITY",
        [
            media("Video", "https://cdn.example.com/tour.mp4"),
            body("Hi {{1}}, book your next service appointment in a few taps.", "Maria"),
            buttons(
                {
                    "type": "FLOW",
                    "text": "Book now",
                    "flowId": "1234567890",
                    "flowAction": "navigate",
                    "navigateScreen": "WELCOME",
                }
            ),
        ],
    ),
    item(
        "survey_flow",
        "en_US",
        "UTILITY",
        [
            body("Hi {{1}}, tell us how your delivery went in a short survey.", "Maria"),
            buttons({"type": "FLOW", "text": "Start survey", "flowId": "987654321"}),
        ],
    ),
    item(
        "call_us",
        "en_US",
        "MARKETING",
        [
            body(
                "Hi {{1}}, our stylists are free for a call this week. Reply STOP to opt out.",
                "Sam",
            ),
            buttons({"type": "VOICE_CALL", "text": "Call now", "ttlMinutes": 1440}),
            {"type": "CALL_PERMISSION_REQUEST"},
        ],
    ),
    item(
        "contact_request",
        "en_US",
        "UTILITY",
        [
            body(
                "Hi {{1}}, share your contact details so our team can follow up on your ticket.",
                "Maria",
            ),
            buttons({"type": "REQUEST_CONTACT_INFO"}),
        ],
    ),
    item(
        "gif_teaser",
        "en_US",
        "MARKETING",
        [
            media("Gif", "https://cdn.example.com/teaser.mp4"),
            body("Something new is coming on {{1}}. Reply STOP to opt out.", "Friday"),
        ],
        status="REJECTED",
        reason="INVALID_FORMAT",
    ),
]
