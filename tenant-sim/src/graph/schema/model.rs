//! What the table of Graph types is made of: a type's kind, properties, their element kinds, who may
//! write them, and what a create must contain.

/// Whether a body creates an object (required properties must be present) or updates one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// `POST`, or the upsert `PATCH` when the object does not exist yet.
    Create,
    /// `PATCH` of an existing object.
    Update,
}

/// The declared type of a property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `Edm.String`.
    String,
    /// `Edm.Guid`: a hyphenated GUID string.
    Guid,
    /// `Edm.Boolean`: JSON `true`/`false`.
    Boolean,
    /// `Edm.Int32`.
    Int32,
    /// `Edm.DateTimeOffset`: an RFC 3339 date-time string.
    DateTimeOffset,
    /// `Edm.Binary`: base64 text.
    Binary,
    /// `Edm.String` whose documented values are these (the directory refuses others).
    OneOf(&'static [&'static str]),
    /// A complex type of this table, by name.
    Complex(&'static str),
    /// A complex type the simulator does not model: any JSON object.
    Unchecked,
}

impl Kind {
    pub(crate) fn edm_name(self) -> String {
        match self {
            Kind::String | Kind::OneOf(_) => "Edm.String".into(),
            Kind::Guid => "Edm.Guid".into(),
            Kind::Boolean => "Edm.Boolean".into(),
            Kind::Int32 => "Edm.Int32".into(),
            Kind::DateTimeOffset => "Edm.DateTimeOffset".into(),
            Kind::Binary => "Edm.Binary".into(),
            Kind::Complex(name) => format!("microsoft.graph.{name}"),
            Kind::Unchecked => "microsoft.graph.complexType".into(),
        }
    }
}

/// Who may write a property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Writable on create and update.
    ReadWrite,
    /// Set by the service; refused in any body.
    ReadOnly,
    /// Writable on create only (e.g. a service principal's `appId`).
    CreateOnly,
}

/// One declared property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Property {
    /// The JSON name.
    pub name: &'static str,
    /// The element type.
    pub kind: Kind,
    /// Whether it is a collection of `kind`.
    pub collection: bool,
    /// Whether `null` is allowed.
    pub nullable: bool,
    /// Who may write it.
    pub access: Access,
}

impl Property {
    /// A nullable, writable, single-valued property.
    pub(crate) const fn new(name: &'static str, kind: Kind) -> Self {
        Self {
            name,
            kind,
            collection: false,
            nullable: true,
            access: Access::ReadWrite,
        }
    }

    /// A non-nullable collection.
    pub(crate) const fn many(self) -> Self {
        Self {
            collection: true,
            nullable: false,
            ..self
        }
    }

    pub(crate) const fn not_null(self) -> Self {
        Self {
            nullable: false,
            ..self
        }
    }

    pub(crate) const fn read_only(self) -> Self {
        Self {
            access: Access::ReadOnly,
            ..self
        }
    }

    pub(crate) const fn create_only(self) -> Self {
        Self {
            access: Access::CreateOnly,
            ..self
        }
    }
}

/// What a table entry describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeKind {
    /// An entity type (a directory object); required properties apply on create only.
    Entity,
    /// A complex type; its required properties apply whenever a value is given (values are replaced whole).
    Complex,
    /// The parameters of an action (e.g. `addPassword`).
    Action,
}

/// A Graph type: its properties, whether it is open, and what a create must contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraphType {
    /// The name without namespace, e.g. `requiredResourceAccess`.
    pub name: &'static str,
    /// Entity, complex type or action parameters.
    pub kind: TypeKind,
    /// `OpenType="true"` in the CSDL: undeclared properties pass the reader (the directory refuses them).
    pub open: bool,
    /// The declared properties.
    pub properties: &'static [Property],
    /// Properties a new value must contain (non-empty for collections).
    pub required: &'static [&'static str],
    /// Navigation properties that may be bound with `name@odata.bind`.
    pub bindable: &'static [&'static str],
}

impl GraphType {
    /// A closed type with these properties, none of them required and none bindable.
    pub const fn new(name: &'static str, kind: TypeKind, properties: &'static [Property]) -> Self {
        Self {
            name,
            kind,
            open: false,
            properties,
            required: &[],
            bindable: &[],
        }
    }

    /// The type, open (`OpenType="true"`).
    pub const fn open(self) -> Self {
        Self { open: true, ..self }
    }

    /// The type, with the properties a new value must contain.
    pub const fn required(self, required: &'static [&'static str]) -> Self {
        Self { required, ..self }
    }

    /// The type, with the navigation properties that may be bound with `name@odata.bind`.
    pub const fn bindable(self, bindable: &'static [&'static str]) -> Self {
        Self { bindable, ..self }
    }

    /// The declared property `name`, if any.
    pub fn property(&self, name: &str) -> Option<&'static Property> {
        self.properties
            .iter()
            .find(|property| property.name == name)
    }

    /// The name as the directory writes it in messages (`Application`, `ServicePrincipal`…).
    pub(crate) fn resource_name(&self) -> String {
        let mut chars = self.name.chars();
        match chars.next() {
            Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
            None => String::new(),
        }
    }
}
