// XSD for MCCI_IN000002UV01 as the platform sends it. The corpus ships no MCCI schema (acks are not a service of
// their own), so this one is written here in the corpus's style — fixed 互联互通 OID roots, 32–36 character
// message ids, yyyyMMddHHmmss times — from the shape in the standards file. It lets tests and debug tooling check
// our own acks with the same validator as incoming messages.

const TS_PATTERN = '[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])([01][0-9]|2[0-3])[0-5][0-9][0-5][0-9]';

export const MCCI_IN000002UV01_XSD = `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="urn:hl7-org:v3" targetNamespace="urn:hl7-org:v3" elementFormDefault="qualified" attributeFormDefault="unqualified">
  <xs:simpleType name="MessageIdExt">
    <xs:restriction base="xs:string"><xs:minLength value="32"/><xs:maxLength value="36"/></xs:restriction>
  </xs:simpleType>
  <xs:complexType name="MessageId">
    <xs:attribute name="root" type="xs:string" use="required" fixed="2.16.156.10011.2.5.1.1"/>
    <xs:attribute name="extension" type="xs:string" use="required"/>
  </xs:complexType>
  <xs:complexType name="OwnMessageId">
    <xs:attribute name="root" type="xs:string" use="required" fixed="2.16.156.10011.2.5.1.1"/>
    <xs:attribute name="extension" type="MessageIdExt" use="required"/>
  </xs:complexType>
  <xs:complexType name="CS">
    <xs:attribute name="code" type="xs:string" use="required"/>
  </xs:complexType>
  <xs:complexType name="OptionalCS">
    <xs:attribute name="code" type="xs:string" use="optional"/>
  </xs:complexType>
  <xs:complexType name="Party">
    <xs:sequence>
      <xs:element name="device">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="id">
              <xs:complexType>
                <xs:sequence>
                  <xs:element name="item">
                    <xs:complexType>
                      <xs:attribute name="root" type="xs:string" use="required" fixed="2.16.156.10011.2.5.1.3"/>
                      <xs:attribute name="extension" use="required">
                        <xs:simpleType><xs:restriction base="xs:string"><xs:minLength value="1"/></xs:restriction></xs:simpleType>
                      </xs:attribute>
                    </xs:complexType>
                  </xs:element>
                </xs:sequence>
              </xs:complexType>
            </xs:element>
          </xs:sequence>
          <xs:attribute name="classCode" type="xs:string" use="required" fixed="DEV"/>
          <xs:attribute name="determinerCode" type="xs:string" use="required" fixed="INSTANCE"/>
        </xs:complexType>
      </xs:element>
    </xs:sequence>
    <xs:attribute name="typeCode" use="required">
      <xs:simpleType><xs:restriction base="xs:string"><xs:enumeration value="RCV"/><xs:enumeration value="SND"/></xs:restriction></xs:simpleType>
    </xs:attribute>
  </xs:complexType>
  <xs:element name="MCCI_IN000002UV01">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="id" type="OwnMessageId"/>
        <xs:element name="creationTime">
          <xs:complexType>
            <xs:attribute name="value" use="required">
              <xs:simpleType><xs:restriction base="xs:string"><xs:pattern value="${TS_PATTERN}"/></xs:restriction></xs:simpleType>
            </xs:attribute>
          </xs:complexType>
        </xs:element>
        <xs:element name="interactionId">
          <xs:complexType>
            <xs:attribute name="root" type="xs:string" use="required"/>
            <xs:attribute name="extension" type="xs:string" use="required" fixed="MCCI_IN000002UV01"/>
          </xs:complexType>
        </xs:element>
        <xs:element name="processingCode">
          <xs:complexType>
            <xs:attribute name="code" use="required">
              <xs:simpleType><xs:restriction base="xs:string"><xs:enumeration value="P"/><xs:enumeration value="D"/><xs:enumeration value="T"/></xs:restriction></xs:simpleType>
            </xs:attribute>
          </xs:complexType>
        </xs:element>
        <xs:element name="processingModeCode" type="OptionalCS"/>
        <xs:element name="acceptAckCode" type="CS"/>
        <xs:element name="receiver" type="Party"/>
        <xs:element name="sender" type="Party"/>
        <xs:element name="acknowledgement">
          <xs:complexType>
            <xs:sequence>
              <xs:element name="targetMessage">
                <xs:complexType>
                  <xs:sequence><xs:element name="id" type="MessageId"/></xs:sequence>
                </xs:complexType>
              </xs:element>
              <xs:element name="acknowledgementDetail" minOccurs="0" maxOccurs="unbounded">
                <xs:complexType>
                  <xs:sequence>
                    <xs:element name="text">
                      <xs:complexType><xs:attribute name="value" type="xs:string" use="required"/></xs:complexType>
                    </xs:element>
                  </xs:sequence>
                </xs:complexType>
              </xs:element>
            </xs:sequence>
            <xs:attribute name="typeCode" use="required">
              <xs:simpleType>
                <xs:restriction base="xs:string">
                  <xs:enumeration value="AA"/><xs:enumeration value="AE"/><xs:enumeration value="AR"/>
                  <xs:enumeration value="CA"/><xs:enumeration value="CE"/><xs:enumeration value="CR"/>
                </xs:restriction>
              </xs:simpleType>
            </xs:attribute>
          </xs:complexType>
        </xs:element>
      </xs:sequence>
      <xs:attribute name="ITSVersion" type="xs:string" use="required" fixed="XML_1.0"/>
    </xs:complexType>
  </xs:element>
</xs:schema>
`;
