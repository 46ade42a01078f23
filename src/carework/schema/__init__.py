"""What a school record is (field types, the record declared once), validating a document against it, and its JSON Schema."""
