"""The maternity feedback chat-bot: questionnaires for families, answers for engagement teams."""
