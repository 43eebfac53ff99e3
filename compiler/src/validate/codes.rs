//! The codes of semantic validation, with their explanations (`charter explain CODE`).
//!
//! Ranges: `E02xx` identifiers, `E03xx` uniqueness, `E04xx` type references and interfaces,
//! `E05xx` defaults and ranges, `E06xx` unions, `E07xx` resources, operations and parameters,
//! `E08xx` responses and headers; warnings `W0xxx` share the ranges. Codes never change meaning.

crate::codes! {
    // E02xx: names and identifiers.
    E0201: Error,
        "service name must start with a letter",
        "API Builder checks only the first character of the service `name`: it must be a letter \
         (`Name[1api] must start with a letter`). The rest of the name is free text; the application key \
         is derived from it.";
    E0202: Error,
        "base_url must not end with a '/'",
        "Operation paths start with `/` and are appended to `base_url`, so a trailing `/` would produce \
         `//` in every URL. Remove the trailing slash.";
    E0203: Error,
        "invalid type name",
        "Model, interface, enum and union names must be identifiers: only `a-z A-Z 0-9 - _`, starting \
         with a letter (or with `_` when longer than one character), and not blank. Generators turn these \
         names into class and type names in many languages, which is why API Builder restricts them.";
    E0204: Error,
        "invalid enum value name",
        "Enum value names follow the identifier rule (letters, digits, `-`, `_`; starting with a letter). \
         A value whose wire form is not an identifier (`1`, `a b`) keeps a valid `name` and puts the wire \
         form in `value`: `{\"name\": \"one\", \"value\": \"1\"}`.";
    E0205: Error,
        "invalid field name",
        "Field names of models and interfaces follow the identifier rule (letters, digits, `-`, `_`; \
         starting with a letter, or `_` when longer than one character).";
    E0206: Error,
        "invalid annotation name",
        "Annotation names (the keys of `annotations`) follow the identifier rule.";
    E0207: Error,
        "invalid union discriminator",
        "A union's `discriminator` names the JSON field that carries the member type, so it must be an \
         identifier (letters, digits, `-`, `_`; starting with a letter).";
    E0208: Error,
        "invalid discriminator value",
        "A union member's `discriminator_value` (by default its type name) follows the identifier rule.";
    E0209: Error,
        "name contains '.'",
        "API Builder's identifier rule lets a `.` through although its message says it is not allowed. \
         Charter rejects it: a dotted name such as `a.b` reads like a qualified reference to an imported \
         type (`io.flow.common.v0.models.money`) and cannot become an identifier in generated code. Use \
         `_` or `-` instead.";
    E0210: Error,
        "type named like a primitive",
        "A model, enum, union or interface is named like a primitive type (`uuid`, `string`, `date-iso8601`, \
         …). API Builder accepts the declaration but every reference to the name resolves to the primitive, \
         so the declared type is silently unusable. Charter rejects it; rename the type.";
    // E03xx: uniqueness.
    E0301: Error,
        "type declared more than once",
        "Two models (or enums, unions, interfaces) have the same name after API Builder's normalization \
         (camelCase → snake_case, lower-cased): `someId` and `some_id`, or `key` and `KEY`, are the same \
         name, because generated code would give them the same identifier. The message shows the \
         normalized name. Inline types are hoisted to the top level and clash the same way.";
    E0302: Error,
        "annotation declared more than once",
        "Two annotations have the same name after normalization (camelCase → snake_case, lower-cased).";
    E0303: Error,
        "field declared more than once",
        "A model or interface has two fields with the same name after normalization (camelCase → \
         snake_case, lower-cased): `userId` and `user_id` would map to the same property in generated code.";
    E0304: Error,
        "enum value name declared more than once",
        "An enum has two values with the same name after normalization (camelCase → snake_case, \
         lower-cased).";
    E0305: Error,
        "enum wire value declared more than once",
        "Two values of an enum would be sent as the same string on the wire (their `value`, or their \
         `name` when there is no `value`), so a reader could not tell them apart.";
    E0306: Error,
        "field annotation listed more than once",
        "A field lists the same annotation twice in `annotations`.";
    E0307: Error,
        "parameter declared more than once",
        "An operation has two parameters with the same name after normalization (camelCase → snake_case, \
         lower-cased). This includes a declared parameter named like a path parameter but with different \
         case.";
    E0308: Error,
        "header declared more than once",
        "A service (or a response) declares the same header twice. HTTP header names are \
         case-insensitive, so Charter compares them ignoring case (`X-Request-Id` and `x-request-id` are \
         the same header); API Builder's normalization misses that (it turns `X-Foo` into `x-_foo`).";
    E0309: Error,
        "union member type listed more than once",
        "A union lists the same member type twice.";
    E0310: Error,
        "name used by two kinds of type",
        "A name (compared case-insensitively) is used by two kinds of type, e.g. a model and a union. \
         Type references are resolved by short name, so the two could not be told apart.";
    E0311: Error,
        "union and interface share a name",
        "A union and an interface may share a name only when the union declares that it extends the \
         interface, by listing it in its own `interfaces`. Otherwise rename one of them.";
    E0312: Error,
        "resource declared more than once",
        "Two resources name the same type. Put all operations of a type in one resource.";
    E0313: Error,
        "resource plural declared more than once",
        "Two resources have the same plural. Generated clients name resource accessors after the plural, \
         so it must be unique among resources (models that are not resources may share plurals).";
    // E04xx: type references and interfaces.
    E0401: Error,
        "interface used as a concrete type",
        "An interface is an abstract set of fields; a value on the wire is always a concrete model. It \
         cannot be the type of a field, header, resource, body, parameter or response. API Builder checks \
         only a bare interface; Charter also rejects lists and maps of interfaces (`[animal]`), which \
         have the same problem. Use the specific model, or a union of the models that implement the \
         interface.";
    E0402: Error,
        "interfaces entry is not an interface",
        "Each entry of a model's `interfaces` must name an interface: a local one by name, or an \
         imported one as `<namespace>.interfaces.<name>`. (Union `interfaces` entries get the warning \
         W0409.)";
    E0403: Error,
        "model is missing a field of its interface",
        "A model that lists an interface must declare every field of that interface. API Builder checks \
         only interfaces of the same service; Charter also checks interfaces of imported services that are \
         in the repo (imports outside the repo are taken on trust).";
    E0404: Error,
        "field type differs from its interface",
        "A field that an interface declares must have the same type in every model that implements the \
         interface.";
    E0405: Error,
        "field requiredness differs from its interface",
        "A field that an interface declares as required must be required in every implementing model, \
         and a field the interface declares optional must be optional.";
    E0406: Error,
        "annotation is not declared",
        "A field's `annotations` may only name annotations declared in the service's `annotations` or in \
         the annotations of an imported service.";
    W0407: Warning,
        "union member does not carry its interface's fields",
        "A union lists an interface, which documents that every member carries the interface's fields. \
         API Builder does not check this; Charter warns for each model member that lacks one of the \
         fields.";
    E0408: Error,
        "enum has no values",
        "An enum must have at least one value.";
    W0409: Warning,
        "union interfaces entry is not an interface",
        "An entry of a union's `interfaces` does not name an interface. API Builder does not check union \
         `interfaces` at all (real specs list interfaces that do not exist, e.g. a union listing its own \
         name), so Charter only warns; the entry documents nothing. Declare the interface, or remove the \
         entry.";
    // E05xx: defaults and ranges.
    E0501: Error,
        "minimum is greater than maximum",
        "A field's `minimum` must be less than or equal to its `maximum`.";
    E0502: Error,
        "default is outside minimum/maximum",
        "A numeric field's default must lie within its `minimum` and `maximum`.";
    E0503: Error,
        "default is not a valid value of its type",
        "A default must be a valid value of the field's or parameter's type: `true`/`false` for booleans, \
         a 32-bit integer for `integer`, a 64-bit one for `long`, a number for `double` and `decimal`, a \
         UUID, an ISO 8601 date (`2024-01-31`) or date-time, JSON text for `json`, a JSON object for \
         `object`, a JSON array for lists and a JSON object for maps (each element checked in turn). `unit` \
         has no value at all.";
    E0504: Error,
        "default is not a value of its enum",
        "The default of an enum-typed field or parameter must be the `name` of one of the enum's values \
         (API Builder compares with names, not with the wire `value`). Defaults of enums declared in \
         imported services that are in the repo are checked too; imports outside the repo are taken on \
         trust.";
    E0505: Error,
        "default on a model, union or interface",
        "API Builder does not support default values for models, unions or interfaces. Remove the \
         default, or make the field optional.";
    E0506: Error,
        "parameter default on an optional parameter",
        "A parameter with a default must be marked required: the default is what the server uses when \
         the client omits it, so from the server's point of view the value is always present. (Fields may \
         be optional with a default.)";
    W0507: Warning,
        "parameter minimum is greater than maximum",
        "A parameter's `minimum` is greater than its `maximum`, so no value can satisfy both. API Builder \
         does not check parameter ranges; Charter warns.";
    W0508: Warning,
        "parameter default is outside minimum/maximum",
        "A numeric parameter's default lies outside its `minimum`/`maximum`. API Builder does not check \
         parameter ranges; Charter warns.";
    W0509: Warning,
        "header default is not a valid value",
        "A header's default is not a valid value of its type (for an enum header: not the name of one of \
         its values). Clients send the default on every request, so a bad default breaks every call. API \
         Builder never checks header defaults; Charter warns.";
    // E06xx: unions.
    E0601: Error,
        "union has no types",
        "A union must list at least one member type.";
    E0602: Error,
        "union contains unit",
        "`unit` means \"no content\" and cannot be a member of a union. To make a field optional, use \
         `required: false`.";
    E0603: Error,
        "union member is an imported type",
        "The members of a union must be declared in the same service: an imported type cannot declare that \
         it belongs to a union defined here, so readers of the imported service would not know the \
         discriminator. Declare a local model (possibly wrapping the imported one).";
    E0604: Error,
        "union contains itself",
        "A union is one of its own members, directly or through other unions (`a->b->a`). Such a type has \
         no finite value. Break the cycle.";
    E0605: Error,
        "default member without a discriminator",
        "A union member can be marked `default: true` only when the union has a `discriminator`: the default \
         is the type used when a payload lacks the discriminator field.";
    E0606: Error,
        "more than one default member",
        "At most one member of a union can be marked `default: true`.";
    E0607: Error,
        "reserved discriminator name",
        "`value` is reserved (generators wrap primitive and enum members as `{\"<discriminator>\": …, \
         \"value\": …}`) and `implicit` is reserved for future implicit discriminators. Choose another \
         discriminator name, typically `type` or `discriminator`.";
    E0608: Error,
        "discriminator clashes with a member field",
        "The discriminator is written into each member's JSON object, so no member (including members of \
         nested unions and models behind lists or maps) may have a field of the same name.";
    E0609: Error,
        "discriminator value used more than once",
        "Discriminator values identify the member type on the wire, so they must be unique within a \
         union, including the values of nested unions (which are flattened into the parent).";
    E0610: Error,
        "nested union uses a different discriminator",
        "A union that is a member of another union must use the same discriminator name as its parent \
         (or neither has one), because its values are flattened into the parent's.";
    E0611: Error,
        "type has different discriminator names across unions",
        "A type that is a member of several unions is serialized with one discriminator field, so every \
         union containing it must use the same discriminator name (or none of them one).";
    E0612: Error,
        "type has different discriminator values across unions",
        "A type that is a member of several unions is serialized with one discriminator value, so every \
         union containing it must give it the same `discriminator_value`.";
    // E07xx: resources, operations, parameters.
    E0701: Error,
        "resource type is a list or a map",
        "A resource represents one type: its key must be a singleton type name, not `[x]` or `map[x]`.";
    E0702: Error,
        "resource type is a primitive",
        "Primitives cannot be mapped to resources: a resource's key names a model, enum or union.";
    E0703: Error,
        "resource has no operations",
        "A resource must have at least one operation.";
    E0704: Error,
        "invalid HTTP method",
        "An operation's `method` must be one of GET, POST, PUT, PATCH, DELETE, HEAD, CONNECT, OPTIONS, \
         TRACE (case-insensitive).";
    E0705: Error,
        "body on a GET operation",
        "GET requests have no body. Send the data as query parameters, or use POST.";
    E0706: Error,
        "invalid query or header parameter type",
        "Query and header parameters are strings on the wire: their type must be an enum, a primitive that \
         fits in a URL (boolean, decimal, integer, double, long, string, date-iso8601, date-time-iso8601, \
         uuid), or a list of those (repeated parameters). Models, unions, interfaces, maps and nested lists \
         are not supported.";
    E0707: Error,
        "path parameter is optional",
        "A path parameter is part of the URL, so it is always present: it cannot be `required: false`.";
    E0708: Error,
        "path parameter is missing from the path",
        "A parameter with `location: path` must appear in the operation's path as `:name`.";
    E0709: Error,
        "invalid path parameter type",
        "A path parameter must be an enum or a primitive that fits in a URL (boolean, decimal, integer, \
         double, long, string, date-iso8601, date-time-iso8601, uuid). A synthesized path parameter takes \
         the type of the resource model's field of the same name, so check that field too.";
    E0710: Error,
        "operation declared more than once",
        "Two operations of a service have the same method and path (path parameter names do not matter: \
         `/users/:id` and `/users/:guid` are the same route). A router cannot tell them apart. API Builder \
         does not check this.";
    W0711: Warning,
        "operation path does not start with '/'",
        "API Builder appends an operation's `path` to the resource path as written, so `\"path\": \":id\"` \
         under `/users` yields `/users:id`. Charter joins the two with a `/` (`/users/:id`), which is \
         almost always what was meant, and warns so the spec can be fixed: start the path with `/`.";
    W0712: Warning,
        "form parameter on a GET operation",
        "A GET request has no body, so a parameter with `location: form` cannot be sent. API Builder \
         accepts it; Charter warns. Use `location: query`.";
    // E08xx: responses and headers.
    E0801: Error,
        "response code below 100",
        "A response code must be an HTTP status code (100 or more) or `default`.";
    E0802: Error,
        "response code above 599",
        "HTTP status codes end at 599. API Builder accepts any larger integer; Charter rejects it. (5xx \
         responses are allowed: Flow declares them.)";
    E0803: Error,
        "204 or 304 response with a body",
        "204 No Content and 304 Not Modified responses have no body by definition: their type must be `unit`.";
    E0804: Error,
        "2xx responses of different types",
        "All success (2xx) responses of one operation must have the same type: generated clients return \
         one type for success. Use one type, or a union.";
    E0805: Error,
        "invalid header type",
        "Headers are strings on the wire: a header's type must be `string`, an enum, or a list of those.";
}
