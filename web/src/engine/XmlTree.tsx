/**
 * An XML body (HL7 V3, CDA, any XML) as a collapsible element tree: each element with its attributes inline and its
 * own text after it; text between elements (CDA narrative) as its own lines. The first two levels start open;
 * expand all / collapse all; large trees scroll virtually.
 */
import { MinusSquareOutlined, PlusSquareOutlined } from '@ant-design/icons';
import { Button, Flex, Space, Tree, Typography, theme, type TreeDataNode } from 'antd';
import { useMemo, useState, type Key } from 'react';
import { useTranslation } from 'react-i18next';
import type { XmlNode, XmlStructure } from './api';

/** Trees larger than this scroll virtually (only the visible lines are rendered). */
const VIRTUAL_FROM = 400;

interface Built {
  data: TreeDataNode[];
  /** Keys of every element with children (expand all). */
  parents: Key[];
  /** Keys of the root and its children that have children (first two levels open). */
  initial: Key[];
}

function NodeTitle({ node }: { node: XmlNode }) {
  const { token } = theme.useToken();
  const mono = { fontFamily: token.fontFamilyCode, fontSize: 12 };
  if (node.name === '#text') {
    return (
      <span style={{ ...mono, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }} data-testid="xml-text">
        {node.text}
      </span>
    );
  }
  return (
    <span style={{ ...mono, wordBreak: 'break-all' }} data-testid="xml-node" title={node.ns}>
      <span style={{ color: token.colorPrimaryText }} data-testid="xml-node-name">
        {node.name}
      </span>
      {node.attributes.map((a) => (
        <span key={a.name}>
          {' '}
          <span style={{ color: a.name.startsWith('xmlns') ? token.colorTextTertiary : token.colorWarningText }}>
            {a.name}
          </span>
          <span style={{ color: token.colorTextTertiary }}>=</span>
          <span style={{ color: token.colorSuccessText }}>&quot;{a.value}&quot;</span>
        </span>
      ))}
      {node.text !== undefined ? (
        <>
          <span style={{ color: token.colorTextTertiary }}> : </span>
          <span style={{ color: token.colorText, whiteSpace: 'pre-wrap' }} data-testid="xml-node-text">
            {node.text}
          </span>
        </>
      ) : null}
    </span>
  );
}

function build(root: XmlNode): Built {
  const parents: Key[] = [];
  const initial: Key[] = [];
  const convert = (node: XmlNode, key: string, depth: number): TreeDataNode => {
    const hasChildren = node.children.length > 0;
    if (hasChildren) {
      parents.push(key);
      if (depth < 2) initial.push(key);
    }
    return {
      key,
      title: <NodeTitle node={node} />,
      isLeaf: !hasChildren,
      ...(hasChildren ? { children: node.children.map((c, i) => convert(c, `${key}.${i}`, depth + 1)) } : {}),
    };
  };
  return { data: [convert(root, '0', 0)], parents, initial };
}

export default function XmlTree({ structure }: { structure: XmlStructure }) {
  const { t } = useTranslation();
  const built = useMemo(() => build(structure.root), [structure.root]);
  const [expanded, setExpanded] = useState<Key[]>(built.initial);

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="xml-tree">
      <Flex justify="space-between" align="center" gap={8} wrap>
        <Typography.Text type="secondary">{t('engine.structure.nodes', { n: structure.nodeCount })}</Typography.Text>
        <Space>
          <Button
            size="small"
            icon={<PlusSquareOutlined />}
            onClick={() => setExpanded(built.parents)}
            data-testid="xml-expand-all"
          >
            {t('engine.structure.expandAll')}
          </Button>
          <Button
            size="small"
            icon={<MinusSquareOutlined />}
            onClick={() => setExpanded([])}
            data-testid="xml-collapse-all"
          >
            {t('engine.structure.collapseAll')}
          </Button>
        </Space>
      </Flex>
      <Tree
        showLine
        blockNode
        selectable={false}
        treeData={built.data}
        expandedKeys={expanded}
        onExpand={(keys) => setExpanded(keys)}
        {...(structure.nodeCount > VIRTUAL_FROM ? { height: 640 } : {})}
      />
    </Space>
  );
}
