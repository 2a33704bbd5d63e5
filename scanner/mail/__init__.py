"""Mail formats: one message model (`message.py`) that mbox, Maildir, EML,
MSG and PST readers fill, and that turns into segments and attachments.

The extractors in scanner/extractors/{eml,mbox,msg,pst}.py are thin: they
find messages in their container and hand each one to `message_events`.

Part of the extractors component: may import scanner.extractors (base,
rtftext, htmltext), scanner.sniff and the foundation; not connectors,
detectors or the inventory.
"""
