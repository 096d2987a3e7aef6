"""Which file extensions are audio the installed libsndfile decodes, and which are audio it
cannot (so the message can say "convert it"). Used by ``audio`` (loading), ``data`` (checking
the shipped clips) and ``dataset`` (scanning a folder); imports nothing of the course.
"""

from __future__ import annotations

__all__ = ["AUDIO_SUFFIXES", "UNREADABLE_SUFFIXES"]


def _readable_suffixes() -> tuple[str, ...]:
    """File extensions of the formats the installed libsndfile decodes (checked, not assumed)."""
    import soundfile as sf

    by_format = {"WAV": (".wav", ".wave"), "FLAC": (".flac",), "OGG": (".ogg", ".oga"),
                 "MP3": (".mp3",), "AIFF": (".aiff", ".aif", ".aifc"), "AU": (".au", ".snd"),
                 "CAF": (".caf",), "W64": (".w64",), "RF64": (".rf64",)}
    formats = sf.available_formats()
    out = [s for fmt, sfx in by_format.items() if fmt in formats for s in sfx]
    if "OGG" in formats and "OPUS" in sf.available_subtypes("OGG"):
        out.append(".opus")
    return tuple(out)


#: Extensions ``load`` can decode here (libsndfile's formats; ``.opus`` needs libsndfile 1.0.29+).
AUDIO_SUFFIXES = _readable_suffixes()
#: Common audio extensions libsndfile cannot decode: convert them first (e.g. with ffmpeg).
UNREADABLE_SUFFIXES = (".m4a", ".aac", ".mp4", ".wma", ".webm", ".amr", ".ape", ".wv", ".mka",
                       ".alac", ".3gp", ".mid", ".midi")
