/**
 * Towns and villages by region, for the community field of sample households and the names of
 * LIPW sites. A sample picks among them at random within the household's region.
 */
// prettier-ignore
export const COMMUNITIES: Record<string, readonly string[]> = {
  AH: ['Goaso', 'Bechem', 'Duayaw Nkwanta', 'Kenyasi', 'Hwidiem', 'Kukuom', 'Mim', 'Acherensua', 'Sankore'],
  AS: ['Obuasi', 'Ejisu', 'Mampong', 'Konongo', 'Bekwai', 'Offinso', 'Juaso', 'Nkawie', 'Tepa', 'Ejura', 'Effiduase', 'Agona'],
  BO: ['Sunyani', 'Berekum', 'Dormaa Ahenkro', 'Wenchi', 'Sampa', 'Drobo', 'Nsawkaw', 'Jinijini', 'Chiraa'],
  BE: ['Techiman', 'Kintampo', 'Nkoranza', 'Atebubu', 'Yeji', 'Prang', 'Kwame Danso', 'Jema', 'Tuobodom', 'Busunya'],
  CR: ['Winneba', 'Saltpond', 'Mankessim', 'Dunkwa-on-Offin', 'Twifo Praso', 'Assin Fosu', 'Swedru', 'Elmina', 'Apam', 'Ajumako', 'Breman Asikuma'],
  ER: ['Nkawkaw', 'Akim Oda', 'Kibi', 'Nsawam', 'Suhum', 'Somanya', 'Begoro', 'Donkorkrom', 'Asamankese', 'Akropong', 'Mpraeso'],
  GA: ['Ada Foah', 'Dodowa', 'Prampram', 'Amasaman', 'Ashaiman', 'Sege', 'Kokrobite', 'Big Ada', 'Ningo', 'Obom'],
  NE: ['Nalerigu', 'Gambaga', 'Walewale', 'Chereponi', 'Bunkpurugu', 'Yunyoo', 'Wulugu', 'Janga', 'Langbinsi'],
  NR: ['Yendi', 'Savelugu', 'Tolon', 'Kumbungu', 'Gushegu', 'Karaga', 'Bimbilla', 'Wulensi', 'Saboba', 'Zabzugu', 'Nyankpala', 'Diare', 'Pong-Tamale', 'Kpandai', 'Tatale', 'Sang'],
  OT: ['Dambai', 'Nkwanta', 'Jasikan', 'Kadjebi', 'Kete Krachi', 'Chinderi', 'Kpassa', 'Worawora', 'Brewaniase'],
  SV: ['Damongo', 'Bole', 'Salaga', 'Buipe', 'Sawla', 'Tuna', 'Daboya', 'Kpalbe', 'Yapei', 'Larabanga', 'Busunu'],
  UE: ['Bawku', 'Navrongo', 'Paga', 'Zebilla', 'Sandema', 'Fumbisi', 'Garu', 'Tempane', 'Binduri', 'Bongo', 'Sirigu', 'Zuarungu', 'Pusiga'],
  UW: ['Lawra', 'Nandom', 'Jirapa', 'Tumu', 'Gwollu', 'Nadowli', 'Funsi', 'Hamile', 'Lambussie', 'Issa', 'Wechiau', 'Kaleo'],
  TV: ['Hohoe', 'Keta', 'Aflao', 'Kpando', 'Anloga', 'Sogakope', 'Akatsi', 'Dzodze', 'Adidome', 'Kpeve', 'Peki', 'Abor'],
  WR: ['Tarkwa', 'Axim', 'Half Assini', 'Prestea', 'Shama', 'Elubo', 'Daboase', 'Esiama', 'Nsuaem'],
  WN: ['Sefwi Wiawso', 'Bibiani', 'Enchi', 'Juaboso', 'Essam', 'Akontombra', 'Debiso', 'Sefwi Bekwai', 'Asawinso'],
};

/** LIPW asset types and how a site of that type is named. */
export const ASSET_TYPES = [
  { type: 'road', label: 'feeder road rehabilitation', weight: 35 },
  { type: 'dam', label: 'small earth dam', weight: 20 },
  { type: 'dugout', label: 'dugout desilting', weight: 10 },
  { type: 'tree_crops', label: 'cashew and mango plantation', weight: 20 },
  { type: 'soil_conservation', label: 'stone bunds and soil conservation', weight: 10 },
  { type: 'sanitation', label: 'community drains and sanitation', weight: 5 },
] as const;
