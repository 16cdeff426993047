from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "helhet.voice"
    label = "voice"
