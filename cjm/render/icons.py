"""Channel icons: inline SVG drawings (16x16, stroked in currentColor), one per channel of the format."""

from __future__ import annotations

from collections.abc import Mapping

# Trusted constant markup: never built from journey text.
CHANNEL_ICONS: Mapping[str, str] = {
    "web": '<circle cx="8" cy="8" r="6.2"/><path d="M1.8 8h12.4M8 1.8c2 2 2 10.4 0 12.4M8 1.8c-2 2-2 10.4 0 12.4"/>',
    "email": '<rect x="1.5" y="3.5" width="13" height="9" rx="1.5"/><path d="M2 4.5l6 4.5 6-4.5"/>',
    "phone": '<path d="M4.5 1.8l2 3.2-1.4 1.6c.8 1.8 2.2 3.2 4 4l1.6-1.4 3.2 2-.9 2.6c-5.6-.2-10.2-4.8-10.4-10.4z"/>',
    "chat": '<path d="M2 3.5h12v7.5H7l-3.5 3v-3H2z"/>',
    "social": '<circle cx="4" cy="8" r="2"/><circle cx="12" cy="3.8" r="2"/><circle cx="12" cy="12.2" r="2"/>'
    '<path d="M5.8 7l4.4-2.3M5.8 9l4.4 2.3"/>',
    "ads": '<path d="M2 6.5h2.5L11 3v10L4.5 9.5H2z"/><path d="M4.5 9.5l1 4h2l-1-4M13 6.2v3.6"/>',
    "video": '<rect x="1.5" y="3" width="13" height="10" rx="1.5"/><path d="M6.5 5.8v4.4L10.2 8z"/>',
    "podcast": '<rect x="6" y="1.5" width="4" height="7.5" rx="2"/>'
    '<path d="M3.5 7.5a4.5 4.5 0 009 0M8 12v2.5M5.5 14.5h5"/>',
    "document": '<path d="M3.5 1.5h6l3 3v10h-9z"/><path d="M9.5 1.5v3h3M5.5 8h5M5.5 10.5h5"/>',
    "event": '<rect x="2" y="3" width="12" height="11" rx="1.5"/><path d="M2 6.5h12M5 1.5v3M11 1.5v3M5 9.5h2"/>',
    "in-person": '<circle cx="8" cy="4.5" r="2.6"/><path d="M3 14.5c0-3 2.2-5 5-5s5 2 5 5"/>',
    "app": '<rect x="4" y="1.5" width="8" height="13" rx="1.6"/><path d="M7 12.5h2"/>',
    "mail": '<path d="M1.5 6l6.5-4 6.5 4v8h-13z"/><path d="M1.5 6l6.5 4.5L14.5 6"/>',
    "sms": '<rect x="1.5" y="2.5" width="13" height="9" rx="2"/><path d="M5 11.5v3l3-3M5 7h.01M8 7h.01M11 7h.01"/>',
    "community": '<circle cx="8" cy="4.5" r="2.2"/><circle cx="3.5" cy="7" r="1.7"/><circle cx="12.5" cy="7" r="1.7"/>'
    '<path d="M4.5 14c0-2.2 1.5-4 3.5-4s3.5 1.8 3.5 4M.8 13c0-1.5 1-2.8 2.7-2.8M15.2 13c0-1.5-1-2.8-2.7-2.8"/>',
    "partner": '<circle cx="5.8" cy="8" r="4"/><circle cx="10.2" cy="8" r="4"/>',
    "other": '<circle cx="8" cy="8" r="6"/><path d="M5 8h.01M8 8h.01M11 8h.01"/>',
}
