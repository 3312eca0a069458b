"""The conversation core: a pure state machine from (questionnaire, session, input, time) to
(session, events). No I/O, no clock, no randomness; it imports nothing from storage or channels."""
