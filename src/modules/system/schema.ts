// Schemas of the system administration API (系统管理): they are the TypeScript types, the request validation and
// the OpenAPI document at once. Inputs refuse unknown fields.
import Type, { type Static } from 'typebox';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Time, Type.Null()]);
const NullableString = Type.Union([Type.String(), Type.Null()]);
const Username = Type.String({ pattern: '^[A-Za-z0-9_.@-]{2,64}$', description: '2–64 letters, digits, _ . @ -' });
const Password = Type.String({ minLength: 1, maxLength: 256 });
const Email = Type.String({ maxLength: 200, pattern: '^$|^[^\\s@]+@[^\\s@]+$' });
const Phone = Type.String({ maxLength: 40 });
const DisplayName = Type.String({ minLength: 1, maxLength: 100 });

export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });

export const RoleRef = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
});

export const Me = Type.Object(
  {
    id: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    email: NullableString,
    phone: NullableString,
    roles: Type.Array(RoleRef),
    permissions: Type.Array(Type.String()),
    mustChangePassword: Type.Boolean(),
    lastLoginAt: NullableTime,
  },
  { $id: 'Me' },
);
export type Me = Static<typeof Me>;

export const LoginBody = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 64 }), password: Password },
  { additionalProperties: false },
);

export const ChangePasswordBody = Type.Object(
  { currentPassword: Password, newPassword: Password },
  { additionalProperties: false },
);

export const ProfileBody = Type.Object(
  { displayName: Type.Optional(DisplayName), email: Type.Optional(Email), phone: Type.Optional(Phone) },
  { additionalProperties: false },
);

export const Meta = Type.Object({
  name: Type.String(),
  version: Type.String(),
  database: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]),
  durability: Type.Union([Type.Literal('fsync'), Type.Literal('process')], {
    description: 'fsync: acknowledged messages survive a power cut; process: only a crash of Hutong (opt-in)',
  }),
  startedAt: Time,
});

export const ApiToken = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String(),
  createdAt: Time,
  lastUsedAt: NullableTime,
  expiresAt: NullableTime,
});
export const ApiTokenList = Type.Object({ items: Type.Array(ApiToken) });
export const CreateTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  },
  { additionalProperties: false },
);
export const NewApiToken = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String(),
  createdAt: Time,
  expiresAt: NullableTime,
  token: Type.String({ description: 'Shown once; only its hash is kept' }),
});

export const User = Type.Object(
  {
    id: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    email: NullableString,
    phone: NullableString,
    enabled: Type.Boolean(),
    locked: Type.Boolean(),
    lockedUntil: NullableTime,
    mustChangePassword: Type.Boolean(),
    roles: Type.Array(RoleRef),
    lastLoginAt: NullableTime,
    createdAt: Time,
    updatedAt: Time,
  },
  { $id: 'User' },
);
export type User = Static<typeof User>;

const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
};

export const UserListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100 })),
    status: Type.Optional(Type.Union([Type.Literal('enabled'), Type.Literal('disabled'), Type.Literal('locked')])),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type UserListQuery = Static<typeof UserListQuery>;

export const UserPage = Type.Object({
  items: Type.Array(User),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

export const CreateUserBody = Type.Object(
  {
    username: Username,
    displayName: DisplayName,
    email: Type.Optional(Email),
    phone: Type.Optional(Phone),
    password: Password,
    roleIds: Type.Array(Id, { maxItems: 20 }),
  },
  { additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBody>;

export const UpdateUserBody = Type.Object(
  {
    displayName: Type.Optional(DisplayName),
    email: Type.Optional(Email),
    phone: Type.Optional(Phone),
    roleIds: Type.Optional(Type.Array(Id, { maxItems: 20 })),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type UpdateUserBody = Static<typeof UpdateUserBody>;

export const ResetPasswordBody = Type.Object({ password: Password }, { additionalProperties: false });

export const Role = Type.Object(
  {
    id: Type.String(),
    code: Type.String(),
    name: Type.String(),
    nameEn: Type.String(),
    description: NullableString,
    builtin: Type.Boolean(),
    permissions: Type.Array(Type.String()),
    userCount: Type.Integer(),
  },
  { $id: 'Role' },
);
export type Role = Static<typeof Role>;
export const RoleList = Type.Object({ items: Type.Array(Role) });

const PermissionCode = Type.String({ pattern: '^[a-z0-9]+(\\.[a-z0-9-]+)+$', maxLength: 100 });
export const CreateRoleBody = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z][a-z0-9_-]{1,39}$', description: 'lower-case letters, digits, _ and -' }),
    name: Type.String({ minLength: 1, maxLength: 50 }),
    nameEn: Type.Optional(Type.String({ maxLength: 80 })),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    permissions: Type.Array(PermissionCode, { maxItems: 500 }),
  },
  { additionalProperties: false },
);
export type CreateRoleBody = Static<typeof CreateRoleBody>;

export const UpdateRoleBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    nameEn: Type.Optional(Type.String({ maxLength: 80 })),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    permissions: Type.Optional(Type.Array(PermissionCode, { maxItems: 500 })),
  },
  { additionalProperties: false },
);
export type UpdateRoleBody = Static<typeof UpdateRoleBody>;

export const PermissionList = Type.Object({
  items: Type.Array(
    Type.Object({
      code: Type.String(),
      module: Type.String(),
      name: Type.String(),
      nameEn: Type.String(),
      description: NullableString,
    }),
  ),
});

export const AuditQuery = Type.Object(
  {
    from: Type.Optional(Time),
    to: Type.Optional(Time),
    username: Type.Optional(Type.String({ maxLength: 64 })),
    action: Type.Optional(Type.String({ maxLength: 100, description: 'exact action, or a prefix ending in *' })),
    objectType: Type.Optional(Type.String({ maxLength: 64 })),
    objectId: Type.Optional(Type.String({ maxLength: 128 })),
    outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failure')])),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuery>;

export const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Time,
  userId: NullableString,
  username: NullableString,
  ip: NullableString,
  action: Type.String(),
  objectType: NullableString,
  objectId: NullableString,
  outcome: Type.String(),
  summary: Type.String(),
  changes: Type.Unknown(),
});
export const AuditPage = Type.Object({
  items: Type.Array(AuditEntry),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});
