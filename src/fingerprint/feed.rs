//! A serde `Serializer` that feeds what it is given straight into a [`Fingerprint`]: no
//! JSON text, no escaping, no buffer. Every value is written as a type tag and its data,
//! strings and byte strings with their length, sequences and maps closed by an end tag, so
//! that two different values never feed the same bytes (`"1"` and `1`, `["a", "b"]` and
//! `["ab"]`, `{a: 1}` and `{b: 1}` differ).

use std::hash::Hasher;

use serde::ser::{self, Serialize};

use super::Fingerprint;

/// Type tags: one byte before each value.
mod tag {
    pub const NONE: u8 = 0;
    pub const BOOL: u8 = 1;
    pub const INT: u8 = 2;
    pub const FLOAT: u8 = 3;
    pub const CHAR: u8 = 4;
    pub const STR: u8 = 5;
    pub const BYTES: u8 = 6;
    pub const SOME: u8 = 7;
    pub const SEQ: u8 = 8;
    pub const MAP: u8 = 9;
    pub const VARIANT: u8 = 10;
    pub const END: u8 = 11;
}

/// The fingerprint being fed.
pub(super) struct Feed<'h>(pub(super) &'h mut Fingerprint);

/// Feeding cannot fail; serde needs an error type all the same (a type's own `Serialize`
/// may report one, which then becomes the fingerprint's input).
#[derive(Debug)]
pub(super) struct FeedError(pub(super) String);

impl std::fmt::Display for FeedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FeedError {}

impl ser::Error for FeedError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        FeedError(msg.to_string())
    }
}

impl Feed<'_> {
    fn str(&mut self, s: &str) {
        self.0.write_u8(tag::STR);
        self.0.write_usize(s.len());
        self.0.write(s.as_bytes());
    }

    fn variant(&mut self, index: u32) {
        self.0.write_u8(tag::VARIANT);
        self.0.write_u32(index);
    }
}

type Result = std::result::Result<(), FeedError>;

impl<'a, 'h> ser::Serializer for &'a mut Feed<'h> {
    type Ok = ();
    type Error = FeedError;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> Result {
        self.0.write_u8(tag::BOOL);
        self.0.write_u8(u8::from(v));
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result {
        self.serialize_i128(i128::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result {
        self.serialize_i128(i128::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result {
        self.serialize_i128(i128::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result {
        self.serialize_i128(i128::from(v))
    }
    fn serialize_i128(self, v: i128) -> Result {
        self.0.write_u8(tag::INT);
        self.0.write_i128(v);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result {
        self.serialize_i128(i128::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result {
        self.serialize_i128(i128::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result {
        self.serialize_i128(i128::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result {
        self.serialize_i128(i128::from(v))
    }
    fn serialize_u128(self, v: u128) -> Result {
        self.0.write_u8(tag::INT);
        self.0.write_u128(v);
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result {
        self.0.write_u8(tag::FLOAT);
        self.0.write_u64(v.to_bits());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result {
        self.0.write_u8(tag::CHAR);
        self.0.write_u32(u32::from(v));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result {
        self.str(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result {
        self.0.write_u8(tag::BYTES);
        self.0.write_usize(v.len());
        self.0.write(v);
        Ok(())
    }
    fn serialize_none(self) -> Result {
        self.0.write_u8(tag::NONE);
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result {
        self.0.write_u8(tag::SOME);
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _name: &'static str, index: u32, _v: &'static str) -> Result {
        self.variant(index);
        Ok(())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        value: &T,
    ) -> Result {
        self.variant(index);
        value.serialize(self)
    }
    fn serialize_seq(self, _len: Option<usize>) -> std::result::Result<Self, FeedError> {
        self.0.write_u8(tag::SEQ);
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> std::result::Result<Self, FeedError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> std::result::Result<Self, FeedError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        len: usize,
    ) -> std::result::Result<Self, FeedError> {
        self.variant(index);
        self.serialize_seq(Some(len))
    }
    fn serialize_map(self, _len: Option<usize>) -> std::result::Result<Self, FeedError> {
        self.0.write_u8(tag::MAP);
        Ok(self)
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> std::result::Result<Self, FeedError> {
        // A struct feeds like a map of its fields, so that a flattened struct and a map
        // with the same entries feed the same.
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        len: usize,
    ) -> std::result::Result<Self, FeedError> {
        self.variant(index);
        self.serialize_map(Some(len))
    }
}

/// The parts of a list (each element fed in turn, then the end tag).
macro_rules! list_parts {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for &mut Feed<'_> {
            type Ok = ();
            type Error = FeedError;
            fn $method<T: ?Sized + Serialize>(&mut self, value: &T) -> Result {
                value.serialize(&mut **self)
            }
            fn end(self) -> Result {
                self.0.write_u8(tag::END);
                Ok(())
            }
        }
    )*};
}

list_parts!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for &mut Feed<'_> {
    type Ok = ();
    type Error = FeedError;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result {
        key.serialize(&mut **self)
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result {
        self.0.write_u8(tag::END);
        Ok(())
    }
}

/// The fields of a struct (each name and value fed in turn, then the end tag).
macro_rules! struct_parts {
    ($($trait:ident),*) => {$(
        impl ser::$trait for &mut Feed<'_> {
            type Ok = ();
            type Error = FeedError;
            fn serialize_field<T: ?Sized + Serialize>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result {
                self.str(key);
                value.serialize(&mut **self)
            }
            fn end(self) -> Result {
                self.0.write_u8(tag::END);
                Ok(())
            }
        }
    )*};
}

struct_parts!(SerializeStruct, SerializeStructVariant);
