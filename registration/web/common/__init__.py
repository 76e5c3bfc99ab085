"""What the web's audiences share, below them: requests and errors, who is calling and who
acts, schemas and forms, languages, page machinery. Nothing here imports an audience."""
