"""Small helpers shared by every app. Nothing in here imports an app."""
