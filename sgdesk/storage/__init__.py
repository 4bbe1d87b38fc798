"""Storage: the only package that imports sqlcipher3. Key slots, the encrypted
database, migrations, the audit chain, repositories and backups. No Qt."""
