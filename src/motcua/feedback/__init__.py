"""Phản ánh, kiến nghị (PAKN): feedback and petitions from the portal, the hotline, the desk
and the city's Open311 reporting apps, with their legal deadlines (docs/feedback.md)."""
