import cytoscape from 'cytoscape';
import { useEffect, useRef } from 'react';
import type { Actor } from '../api/types';
import { navigate, paths } from '../routes';

const TYPE_COLOURS: Record<string, string> = {
  'intrusion-set': '#d62828',
  group: '#d62828',
  identity: '#1d3557',
  person: '#1d3557',
  organisation: '#2a9d8f',
  incident: '#f77f00',
  location: '#6a4c93',
};

/**
 * The relation graph drawn by cytoscape on a canvas. Large graphs use a
 * non-animated force layout and hide edge labels until zoomed in, so that
 * hundreds of nodes stay responsive. A node opens its page on tap or Enter.
 */
/**
 * cytoscape injects an inline <style> (position: relative on its container) unless an element with this
 * id exists; the strict CSP would refuse it, and styles.css already positions `.graph`.
 */
function markContainerStyled(): void {
  const id = '__________cytoscape_stylesheet';
  if (document.getElementById(id)) return;
  const marker = document.createElement('meta');
  marker.id = id;
  document.head.appendChild(marker);
}

export default function RelationGraph({ graph, centre }: { graph: Actor['graph']; centre: string }) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!container.current) return undefined;
    markContainerStyled();
    const large = graph.nodes.length > 150;
    // A set, not a search per edge: a few hundred nodes with a thousand edges stay quick to build.
    const known = new Set(graph.nodes.map((node) => node.id));
    const cy = cytoscape({
      container: container.current,
      elements: [
        ...graph.nodes.map((node) => ({ data: { id: node.id, label: node.label, type: node.type } })),
        ...graph.edges
          .filter((edge) => known.has(edge.source) && known.has(edge.target))
          .map((edge, index) => ({ data: { id: `e${index}`, source: edge.source, target: edge.target, label: edge.label ?? '' } })),
      ],
      style: [
        {
          selector: 'node',
          style: {
            label: 'data(label)',
            'font-size': 10,
            'background-color': (node: cytoscape.NodeSingular) => TYPE_COLOURS[String(node.data('type'))] ?? '#555',
            width: 14,
            height: 14,
          },
        },
        { selector: `node[id = "${centre.replace(/"/g, '')}"]`, style: { width: 26, height: 26, 'border-width': 3, 'border-color': '#000' } },
        { selector: 'edge', style: { width: 1, 'line-color': '#999', 'curve-style': 'haystack', label: large ? '' : 'data(label)', 'font-size': 8, color: '#444' } },
      ],
      layout: { name: 'cose', animate: false, nodeDimensionsIncludeLabels: !large, randomize: false } as cytoscape.LayoutOptions,
      textureOnViewport: large,
      hideEdgesOnViewport: large,
      minZoom: 0.1,
      maxZoom: 4,
    });
    cy.on('tap', 'node', (event) => {
      const node = event.target as cytoscape.NodeSingular;
      const type = String(node.data('type'));
      const id = node.id();
      if (id === centre) return;
      if (type === 'incident') navigate(paths.incident(id));
      else if (['intrusion-set', 'threat-actor', 'identity'].includes(type)) navigate(paths.actor(id));
    });
    return () => cy.destroy();
  }, [graph, centre]);
  return <div ref={container} className="graph" role="img" aria-label={`Relation graph of ${graph.nodes.length} nodes and ${graph.edges.length} relations; the list below has them as text`} />;
}
