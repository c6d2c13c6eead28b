// Just enough XML for AWS Query-protocol responses: elements, text and the
// five predefined entities; attributes, comments and declarations are skipped.
export interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, ref: string) => {
    if (ref.startsWith('#x') || ref.startsWith('#X')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return ENTITIES[ref] ?? whole;
  });
}

export function parseXml(xml: string): XmlElement {
  const root: XmlElement = { name: '', children: [], text: '' };
  const stack: XmlElement[] = [root];
  const tag = /<(\/?)([A-Za-z_][\w.:-]*)[^>]*?(\/?)>|<[?!][^>]*>/g;
  let last = 0;
  for (let m = tag.exec(xml); m !== null; m = tag.exec(xml)) {
    const top = stack[stack.length - 1]!;
    top.text += decode(xml.slice(last, m.index));
    last = tag.lastIndex;
    if (m[2] === undefined) continue;
    if (m[1] === '/') {
      if (stack.length > 1 && top.name === m[2]) stack.pop();
      else throw new Error(`malformed XML: unexpected </${m[2]}>`);
      continue;
    }
    const element: XmlElement = { name: m[2], children: [], text: '' };
    top.children.push(element);
    if (m[3] !== '/') stack.push(element);
  }
  if (stack.length > 1) throw new Error(`malformed XML: <${stack[stack.length - 1]!.name}> not closed`);
  return root;
}

export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((c) => c.name === name);
}

export function path(element: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  return names.reduce<XmlElement | undefined>((e, n) => child(e, n), element);
}

// The texts of a Query-protocol list: <List><member>a</member>...</List>.
export function members(element: XmlElement | undefined): XmlElement[] {
  return element?.children.filter((c) => c.name === 'member') ?? [];
}
