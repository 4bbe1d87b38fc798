"""Users of the store. Users are never deleted (the audit chain names them);
removing a user marks them removed and their key slot is dropped."""

from __future__ import annotations

from sgdesk.models.users import Role, User
from sgdesk.storage.database import Database, Row, WriteTransaction

_COLUMNS = "id, login, display_name, role, created_at, removed_at"


def _user(row: Row) -> User:
    return User(
        id=row["id"], login=row["login"], display_name=row["display_name"],
        role=Role(row["role"]), created_at=row["created_at"], removed_at=row["removed_at"],
    )


class UserRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, user_id: str) -> User | None:
        row = self._db.query_one(f"SELECT {_COLUMNS} FROM users WHERE id = ?", (user_id,))
        return _user(row) if row else None

    def by_login(self, login: str) -> User | None:
        row = self._db.query_one(f"SELECT {_COLUMNS} FROM users WHERE login = ?", (login,))
        return _user(row) if row else None

    def all(self, include_removed: bool = False) -> list[User]:
        where = "" if include_removed else "WHERE removed_at IS NULL"
        rows = self._db.query(f"SELECT {_COLUMNS} FROM users {where} ORDER BY display_name, login")
        return [_user(r) for r in rows]

    def add(self, tx: WriteTransaction, user: User) -> None:
        tx.execute(
            f"INSERT INTO users ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
            (user.id, user.login, user.display_name, user.role.value, user.created_at, None),
        )
        tx.audit("create", "users", user.id)

    def mark_removed(self, tx: WriteTransaction, user_id: str) -> None:
        tx.execute("UPDATE users SET removed_at = ? WHERE id = ?", (tx.now, user_id))
        tx.audit("remove", "users", user_id)
