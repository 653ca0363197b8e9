//! The leaf pointers of a typed value, as its JSON form would list them, without building that
//! form.
//!
//! A translation lists every leaf of a canonical member the target cannot hold. Most such members
//! are dropped whole (the target has no place for a name, the e-mails, the products), and writing
//! each one as JSON only to walk it cost a translation a string per key and per value: two thirds
//! of a primavera → DeviceHive translation's allocations. This serializer walks the value instead
//! and emits the pointers of the leaves the JSON form has, in its order: serde_json's objects
//! are sorted by key, so a struct's fields are put in that order here too.
//! `a_walk_lists_the_leaves_of_the_json_form` in the translation tests holds it to the JSON walk.

use crate::report::push_index;
use serde::Serialize;
use serde::ser::{self, Impossible};
use std::fmt;

/// Where the leaves go: each one is the current `pointer` when the walk reaches it.
pub(crate) trait Sink {
    fn pointer(&mut self) -> &mut String;
    /// A leaf at the current pointer.
    fn leaf(&mut self);
    /// How many leaves have been emitted.
    fn emitted(&self) -> usize;
    /// `rotate_right` of the leaves in `range` (a struct's fields are put in order with it).
    fn rotate_right(&mut self, range: std::ops::Range<usize>, by: usize);
    /// Drops the leaves after the first `len`.
    fn truncate(&mut self, len: usize);
}

/// The walk cannot follow this value (a map key that is not a string or an integer, a struct
/// of more fields than it tracks): the caller takes the JSON way.
#[derive(Debug)]
pub(crate) struct Unsupported;

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not walkable")
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Unsupported
    }
}

/// Emits the leaves of `value`, which the caller knows is not empty at the top (a member the
/// JSON form leaves out has no leaves). On `Err` nothing is emitted.
pub(crate) fn walk<T: Serialize + ?Sized>(value: &T, sink: &mut dyn Sink) -> Result<(), Unsupported> {
    let start = sink.emitted();
    let result = value.serialize(Walker { sink, top: true });
    if result.is_err() {
        sink.truncate(start);
    }
    result
}

struct Walker<'s> {
    sink: &'s mut dyn Sink,
    /// The member itself: its JSON form leaves out none and empty values, which have no leaves
    /// there (below it, they are leaves).
    top: bool,
}

/// A compound value being walked: its pointer's length, and whether anything under it was a leaf
/// (an empty object or array is a leaf itself).
struct Compound<'s> {
    sink: &'s mut dyn Sink,
    len: usize,
    start: usize,
    index: usize,
    /// A struct's fields: name and where its leaves start, to put them in key order at the end.
    fields: [(&'static str, usize); MAX_FIELDS],
    count: usize,
    /// Whether this compound is the value of an externally tagged variant (`{"url": …}`), whose
    /// object closes with it.
    variant: Option<usize>,
    top: bool,
}

/// The canonical structs have at most eight fields; a larger one takes the JSON way.
const MAX_FIELDS: usize = 12;

impl<'s> Compound<'s> {
    fn new(sink: &'s mut dyn Sink, variant: Option<usize>, top: bool) -> Self {
        let len = sink.pointer().len();
        let start = sink.emitted();
        Compound { sink, len, start, index: 0, fields: [("", 0); MAX_FIELDS], count: 0, variant, top }
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        push_index(self.sink.pointer(), self.index);
        self.index += 1;
        value.serialize(Walker { sink: &mut *self.sink, top: false })?;
        let len = self.len;
        self.sink.pointer().truncate(len);
        Ok(())
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Unsupported> {
        if self.count == MAX_FIELDS {
            return Err(Unsupported);
        }
        self.fields[self.count] = (key, self.sink.emitted());
        self.count += 1;
        crate::report::push_key(self.sink.pointer(), key);
        value.serialize(Walker { sink: &mut *self.sink, top: false })?;
        let len = self.len;
        self.sink.pointer().truncate(len);
        Ok(())
    }

    /// Closes the compound: fields in key order, an empty one as a leaf, a variant's object.
    fn finish(self) -> Result<(), Unsupported> {
        let fields = &self.fields[..self.count];
        if !fields.is_sorted_by(|a, b| a.0 <= b.0) {
            // Each field's leaves, as (start, length), in key order; moved into place one
            // field at a time (a struct has a handful: no buffer).
            let end = self.sink.emitted();
            let mut segments = [(0usize, 0usize); MAX_FIELDS];
            let segments = &mut segments[..fields.len()];
            for (i, (_, from)) in fields.iter().enumerate() {
                let to = fields.get(i + 1).map_or(end, |f| f.1);
                segments[i] = (*from, to - from);
            }
            let mut order = [0usize; MAX_FIELDS];
            let order = &mut order[..fields.len()];
            for (i, o) in order.iter_mut().enumerate() {
                *o = i;
            }
            order.sort_unstable_by_key(|&i| fields[i].0);
            let mut at = self.start;
            for (k, &i) in order.iter().enumerate() {
                let (start, len) = segments[i];
                if start != at {
                    self.sink.rotate_right(at..start + len, len);
                    // The fields between `at` and this one moved up by its length.
                    for &j in &order[k + 1..] {
                        if (at..start).contains(&segments[j].0) {
                            segments[j].0 += len;
                        }
                    }
                }
                at += len;
            }
        }
        if self.sink.emitted() == self.start && !self.top {
            self.sink.leaf();
        }
        if let Some(len) = self.variant {
            self.sink.pointer().truncate(len);
        }
        Ok(())
    }
}

impl<'s> ser::Serializer for Walker<'s> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Compound<'s>;
    type SerializeTuple = Compound<'s>;
    type SerializeTupleStruct = Compound<'s>;
    type SerializeTupleVariant = Compound<'s>;
    type SerializeMap = MapWalk<'s>;
    type SerializeStruct = Compound<'s>;
    type SerializeStructVariant = Compound<'s>;

    fn serialize_bool(self, _: bool) -> Result<(), Unsupported> {
        self.sink.leaf();
        Ok(())
    }
    fn serialize_i8(self, _: i8) -> Result<(), Unsupported> {
        self.serialize_bool(false)
    }
    fn serialize_i16(self, _: i16) -> Result<(), Unsupported> {
        self.serialize_bool(false)
    }
    fn serialize_i32(self, _: i32) -> Result<(), Unsupported> {
        self.serialize_bool(false)
    }
    fn serialize_i64(self, _: i64) -> Result<(), Unsupported> {
        self.serialize_bool(false)
    }
    fn serialize_u8(self, _: u8) -> Result<(), Unsupported> {
        self.serialize_bool(false)
    }
    fn serialize_u16(self, _: u16) -> Result<(), Unsupported> {
        self.serialize_bool(false)
    }
    fn serialize_u32(self, _: u32) -> Result<(), Unsupported> {
        self.serialize_bool(false)
    }
    fn serialize_u64(self, _: u64) -> Result<(), Unsupported> {
        self.serialize_bool(false)
    }
    fn serialize_f32(self, _: f32) -> Result<(), Unsupported> {
        self.serialize_bool(false)
    }
    fn serialize_f64(self, _: f64) -> Result<(), Unsupported> {
        self.serialize_bool(false)
    }
    fn serialize_char(self, _: char) -> Result<(), Unsupported> {
        self.serialize_bool(false)
    }
    fn serialize_str(self, _: &str) -> Result<(), Unsupported> {
        self.serialize_bool(false)
    }
    /// Bytes are an array of numbers in the JSON form; nothing canonical holds them.
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_none(self) -> Result<(), Unsupported> {
        if !self.top {
            self.sink.leaf();
        }
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Unsupported> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Unsupported> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Unsupported> {
        self.serialize_bool(false)
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Unsupported> {
        self.serialize_bool(false)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<(), Unsupported> {
        value.serialize(self)
    }
    /// `{"variant": value}`.
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        let len = self.sink.pointer().len();
        crate::report::push_key(self.sink.pointer(), variant);
        value.serialize(Walker { sink: &mut *self.sink, top: false })?;
        self.sink.pointer().truncate(len);
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'s>, Unsupported> {
        Ok(Compound::new(self.sink, None, self.top))
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound<'s>, Unsupported> {
        Ok(Compound::new(self.sink, None, self.top))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound<'s>, Unsupported> {
        Ok(Compound::new(self.sink, None, self.top))
    }
    /// `{"variant": [...]}`.
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'s>, Unsupported> {
        let len = self.sink.pointer().len();
        crate::report::push_key(self.sink.pointer(), variant);
        Ok(Compound::new(self.sink, Some(len), false))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<MapWalk<'s>, Unsupported> {
        let len = self.sink.pointer().len();
        let start = self.sink.emitted();
        Ok(MapWalk { sink: self.sink, len, start, key: None, top: self.top })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'s>, Unsupported> {
        Ok(Compound::new(self.sink, None, self.top))
    }
    /// `{"variant": {fields}}`.
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'s>, Unsupported> {
        let len = self.sink.pointer().len();
        crate::report::push_key(self.sink.pointer(), variant);
        Ok(Compound::new(self.sink, Some(len), false))
    }
}

/// The compound serializers, one impl each: elements go to [`Compound::element`], named fields
/// to [`Compound::field`].
macro_rules! compound {
    ($($trait:ident :: $method:ident ($($key:ident)?)),* $(,)?) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = Unsupported;
            fn $method<T: Serialize + ?Sized>(&mut self, $($key: &'static str,)? value: &T) -> Result<(), Unsupported> {
                compound!(@call self $($key)? value)
            }
            fn end(self) -> Result<(), Unsupported> {
                self.finish()
            }
        }
    )*};
    (@call $self:ident $value:ident) => { $self.element($value) };
    (@call $self:ident $key:ident $value:ident) => { $self.field($key, $value) };
}

compound!(
    SerializeSeq::serialize_element(),
    SerializeTuple::serialize_element(),
    SerializeTupleStruct::serialize_field(),
    SerializeTupleVariant::serialize_field(),
    SerializeStruct::serialize_field(key),
    SerializeStructVariant::serialize_field(key),
);

/// A map's entries, walked in the order the map gives them. The canonical user's maps are
/// `BTreeMap`s with string keys, already in the JSON form's order; a map in another order could
/// not be told apart here, so its keys must arrive sorted or the walk gives up.
struct MapWalk<'s> {
    sink: &'s mut dyn Sink,
    len: usize,
    start: usize,
    /// The last key, to check the order.
    key: Option<String>,
    top: bool,
}

impl ser::SerializeMap for MapWalk<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unsupported> {
        let key = key.serialize(KeyText)?;
        if self.key.as_ref().is_some_and(|last| *last >= key) {
            return Err(Unsupported);
        }
        self.sink.pointer().truncate(self.len);
        crate::report::push_key(self.sink.pointer(), &key);
        self.key = Some(key);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        value.serialize(Walker { sink: &mut *self.sink, top: false })?;
        let len = self.len;
        self.sink.pointer().truncate(len);
        Ok(())
    }
    fn end(self) -> Result<(), Unsupported> {
        if self.sink.emitted() == self.start && !self.top {
            self.sink.leaf();
        }
        Ok(())
    }
}

/// A map key as the JSON form spells it: a string as it is, an integer in decimal.
struct KeyText;

impl ser::Serializer for KeyText {
    type Ok = String;
    type Error = Unsupported;
    type SerializeSeq = Impossible<String, Unsupported>;
    type SerializeTuple = Impossible<String, Unsupported>;
    type SerializeTupleStruct = Impossible<String, Unsupported>;
    type SerializeTupleVariant = Impossible<String, Unsupported>;
    type SerializeMap = Impossible<String, Unsupported>;
    type SerializeStruct = Impossible<String, Unsupported>;
    type SerializeStructVariant = Impossible<String, Unsupported>;

    fn serialize_str(self, v: &str) -> Result<String, Unsupported> {
        Ok(v.to_owned())
    }
    fn serialize_i64(self, v: i64) -> Result<String, Unsupported> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<String, Unsupported> {
        Ok(v.to_string())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<String, Unsupported> {
        value.serialize(self)
    }
    fn serialize_bool(self, _: bool) -> Result<String, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_i8(self, v: i8) -> Result<String, Unsupported> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<String, Unsupported> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<String, Unsupported> {
        self.serialize_i64(v.into())
    }
    fn serialize_u8(self, v: u8) -> Result<String, Unsupported> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<String, Unsupported> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<String, Unsupported> {
        self.serialize_u64(v.into())
    }
    fn serialize_f32(self, _: f32) -> Result<String, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_f64(self, _: f64) -> Result<String, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_char(self, _: char) -> Result<String, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_none(self) -> Result<String, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<String, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_unit(self) -> Result<String, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<String, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unsupported> {
        Err(Unsupported)
    }
}
