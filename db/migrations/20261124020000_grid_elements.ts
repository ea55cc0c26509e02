/**
 * The full-element grid data library (全要素网格数据资源库, G-1..G-6, F-1): buildings, houses,
 * households, residents with their versions, merchants, enterprises, institutions, public
 * facilities, grid workers and the two kinds of governance relations.
 *
 * Every scoped row carries its grid (`grid_id`) and the grid's ltree path (`org_path`), so the one
 * scope mechanism (db/scope.ts, `org_path <@ ANY(paths)`) applies to every table alike.
 * ID numbers and phones are stored only as SM4 ciphertext (`*_enc`) plus an HMAC-SM3 blind index
 * (`*_idx`) — see db/sensitive.ts. Owner modules: db/queries/elements/*.
 *
 * Enumerations the code branches on (worker kind, relation role, element type) are English codes
 * with CHECK constraints; descriptive dictionary values the users read (building type, ethnicity,
 * education …) are stored as the Chinese terms themselves.
 */
import type { Knex } from 'knex';

/** Columns every element row has: its grid, the grid's path, timestamps. */
function gridColumns(knex: Knex, t: Knex.CreateTableBuilder): void {
  t.integer('grid_id').notNullable().references('org_units.id');
  t.specificType('org_path', 'ltree').notNullable();
  t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
}

/** GiST on the path for scope, btree (org_path, id) for scoped pages in path order, grid lookups. */
async function scopeIndexes(knex: Knex, table: string): Promise<void> {
  await knex.raw(`CREATE INDEX ${table}_org_path_gist ON ${table} USING gist (org_path)`);
  await knex.raw(`CREATE INDEX ${table}_org_path_id ON ${table} (org_path, id)`);
  await knex.raw(`CREATE INDEX ${table}_grid_idx ON ${table} (grid_id)`);
}

async function pointColumn(knex: Knex, table: string, column = 'geom'): Promise<void> {
  await knex.raw(`ALTER TABLE ${table} ADD COLUMN ${column} geometry(Point, 4326)`);
  await knex.raw(`CREATE INDEX ${table}_${column}_gist ON ${table} USING gist (${column})`);
}

export async function up(knex: Knex): Promise<void> {
  // 楼栋 (G-1)
  await knex.schema.createTable('buildings', (t) => {
    t.increments('id').primary();
    t.string('code', 40).notNullable().unique(); // grid code + 3-digit number
    t.string('name', 100).notNullable(); // e.g. 友谊小区3号楼
    t.string('number', 20).notNullable(); // 楼号
    t.string('address', 200).notNullable();
    t.string('type', 16).notNullable(); // 住宅 商业楼宇 商混 别墅 车库 宿舍 办公 厂房 其他
    t.string('structure', 16); // 砖混 框架 钢混 钢结构
    t.integer('floors').notNullable(); // 地上层数
    t.integer('underground_floors').notNullable().defaultTo(0);
    t.integer('units').notNullable(); // 单元数
    t.integer('rooms_per_floor').notNullable(); // 每单元每层户数 (楼盘表 layout)
    t.integer('built_year');
    t.string('property_company', 100); // 物业公司
    t.string('building_manager', 50); // 楼栋长
    gridColumns(knex, t);
  });
  await scopeIndexes(knex, 'buildings');
  await pointColumn(knex, 'buildings');

  // 房屋 (G-1)
  await knex.schema.createTable('houses', (t) => {
    t.increments('id').primary();
    t.integer('building_id').notNullable().references('buildings.id');
    t.integer('unit_no').notNullable(); // 单元
    t.integer('floor').notNullable(); // 楼层 (negative: underground)
    t.string('room_no', 20).notNullable(); // 室号, e.g. 302
    t.string('type', 16).notNullable(); // 住宅 商业用房 商混 别墅 车库 宿舍 办公
    t.decimal('area', 8, 2); // 建筑面积 m²
    t.string('use', 16).notNullable(); // 居住 经营 办公 仓储 闲置
    t.string('status', 16).notNullable(); // 自住 出租 空置 借住 经营
    t.string('property_right', 16); // 产权性质: 商品房 房改房 公租房 廉租房 自建房 单位产权
    t.string('owner_name', 50); // 产权人
    gridColumns(knex, t);
    t.unique(['building_id', 'unit_no', 'room_no']);
  });
  await scopeIndexes(knex, 'houses');
  await knex.raw('CREATE INDEX houses_building_idx ON houses (building_id, unit_no, floor)');

  // 居民户 (G-2). Tags (户标签/走访标签) are modelled by the tags issue; `tags` is a placeholder.
  await knex.schema.createTable('households', (t) => {
    t.increments('id').primary();
    t.integer('house_id').notNullable().references('houses.id');
    t.string('household_no', 40).notNullable().unique(); // 户编号
    t.integer('head_resident_id'); // FK added below (residents reference households too)
    t.string('type', 16).notNullable(); // 家庭户 集体户
    t.integer('member_count').notNullable().defaultTo(0);
    t.string('residence_kind', 16); // 户籍户 流动户 人户分离
    t.jsonb('tags').notNullable().defaultTo('[]');
    gridColumns(knex, t);
  });
  await scopeIndexes(knex, 'households');
  await knex.raw('CREATE INDEX households_house_idx ON households (house_id)');

  // 居民 / 实有人口 (G-3)
  await knex.schema.createTable('residents', (t) => {
    t.increments('id').primary();
    t.integer('household_id').references('households.id');
    t.string('name', 50).notNullable();
    t.string('former_name', 50); // 曾用名
    t.string('gender', 2).notNullable(); // 男 女
    t.date('birth_date').notNullable();
    t.string('ethnicity', 16).notNullable(); // 民族
    t.binary('id_number_enc').notNullable(); // SM4
    t.string('id_number_idx', 64).notNullable().unique(); // HMAC-SM3 blind index
    t.binary('phone_enc');
    t.string('phone_idx', 64);
    t.string('relation_to_head', 16); // 户主 配偶 子 女 父母 孙子女 兄弟姐妹 其他
    t.string('residence_type', 16).notNullable(); // 户籍人口 流动人口 寄住人口 境外人员
    t.string('registration_status', 16).notNullable(); // 人户一致 人在户不在 户在人不在
    t.string('hukou_address', 200); // 户籍地址
    t.string('native_place', 50); // 籍贯
    t.string('education', 16); // 学历
    t.string('political_status', 16); // 政治面貌
    t.string('marital_status', 16); // 婚姻状况
    t.string('religion', 16);
    t.string('health_status', 16); // 健康状况
    t.string('employment_status', 16); // 就业状况: 在职 退休 失业 学生 学龄前 无业
    t.string('work_unit', 100); // 工作单位
    t.string('occupation', 50); // 职业
    t.string('emergency_contact_name', 50);
    t.string('emergency_contact_relation', 16);
    t.binary('emergency_contact_phone_enc');
    t.jsonb('vehicles').notNullable().defaultTo('[]'); // [{plate, type, color}]
    t.jsonb('pets').notNullable().defaultTo('[]'); // [{kind, name, vaccinated}]
    t.string('dynamic_status', 16).notNullable().defaultTo('在册'); // 在册 迁出 死亡 失联
    t.date('moved_in_on'); // 迁入日期
    t.integer('version').notNullable().defaultTo(1);
    t.integer('updated_by'); // users.id of the last change
    gridColumns(knex, t);
  });
  await scopeIndexes(knex, 'residents');
  await knex.raw('CREATE INDEX residents_household_idx ON residents (household_id)');
  await knex.raw('CREATE INDEX residents_phone_idx ON residents (phone_idx)');
  // Name search in lists (prefix match) stays index-bound.
  await knex.raw('CREATE INDEX residents_name_idx ON residents (name text_pattern_ops)');
  await knex.raw(
    `ALTER TABLE households ADD CONSTRAINT households_head_fk FOREIGN KEY (head_resident_id) REFERENCES residents (id) DEFERRABLE INITIALLY DEFERRED`,
  );

  // 居民信息版本 (G-3): who, when, before, after. Sensitive values stay ciphertext + blind index.
  await knex.schema.createTable('resident_versions', (t) => {
    t.bigIncrements('id').primary();
    t.integer('resident_id').notNullable().references('residents.id');
    t.integer('version').notNullable(); // the version the change produced
    t.timestamp('changed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('changed_by'); // users.id
    t.string('changed_by_name', 50);
    t.string('reason', 200);
    t.jsonb('before').notNullable();
    t.jsonb('after').notNullable();
    t.unique(['resident_id', 'version']);
  });

  // 商户 (G-4)
  await knex.schema.createTable('merchants', (t) => {
    t.increments('id').primary();
    t.string('name', 100).notNullable(); // 商户名称
    t.string('sign_name', 100); // 招牌名称
    t.string('industry', 32).notNullable(); // 所属行业
    t.string('license_no', 32); // 营业执照号 / 统一社会信用代码
    t.string('operator_name', 50).notNullable(); // 经营者
    t.binary('operator_phone_enc');
    t.string('operator_phone_idx', 64);
    t.string('address', 200).notNullable();
    t.integer('building_id').references('buildings.id');
    t.decimal('area', 8, 2);
    t.integer('employees');
    t.date('opened_on');
    t.string('status', 16).notNullable(); // 营业 停业 歇业 注销
    t.jsonb('tags').notNullable().defaultTo('[]');
    gridColumns(knex, t);
  });
  await scopeIndexes(knex, 'merchants');
  await pointColumn(knex, 'merchants');

  // 企业 (G-4)
  await knex.schema.createTable('enterprises', (t) => {
    t.increments('id').primary();
    t.string('name', 100).notNullable();
    t.string('credit_code', 18).notNullable().unique(); // 统一社会信用代码
    t.string('enterprise_type', 32).notNullable(); // 国有企业 民营企业 外资企业 集体企业 个人独资
    t.string('industry', 32).notNullable();
    t.string('legal_representative', 50).notNullable(); // 法定代表人
    t.binary('contact_phone_enc');
    t.string('contact_phone_idx', 64);
    t.decimal('registered_capital', 14, 2); // 注册资本 (万元)
    t.integer('employees');
    t.date('established_on');
    t.string('address', 200).notNullable();
    t.integer('building_id').references('buildings.id');
    t.string('status', 16).notNullable(); // 存续 在业 迁出 注销
    t.boolean('above_scale').notNullable().defaultTo(false); // 规上企业
    t.jsonb('tags').notNullable().defaultTo('[]');
    gridColumns(knex, t);
  });
  await scopeIndexes(knex, 'enterprises');
  await pointColumn(knex, 'enterprises');

  // 驻区单位 (G-4)
  await knex.schema.createTable('institutions', (t) => {
    t.increments('id').primary();
    t.string('name', 100).notNullable();
    t.string('category', 32).notNullable(); // 党政机关 事业单位 国有企业 学校 医院 部队 社会组织
    t.string('credit_code', 18);
    t.string('contact_person', 50);
    t.binary('contact_phone_enc');
    t.string('contact_phone_idx', 64);
    t.string('address', 200).notNullable();
    t.integer('staff_count');
    t.integer('party_members'); // 党员人数 (共驻共建)
    t.boolean('co_building').notNullable().defaultTo(false); // 共驻共建单位
    t.jsonb('tags').notNullable().defaultTo('[]');
    gridColumns(knex, t);
  });
  await scopeIndexes(knex, 'institutions');
  await pointColumn(knex, 'institutions');

  // 公共设施 (G-4)
  await knex.schema.createTable('public_facilities', (t) => {
    t.increments('id').primary();
    t.string('code', 40).notNullable().unique();
    t.string('name', 100).notNullable();
    t.string('type', 32).notNullable(); // 消防栓 路灯 公厕 垃圾收集点 健身设施 监控探头 井盖 充电桩 …
    t.string('status', 16).notNullable(); // 正常 损坏 维修中 停用
    t.string('address', 200);
    t.string('manager_unit', 100); // 管理单位
    t.date('installed_on');
    t.date('last_inspected_on');
    t.jsonb('tags').notNullable().defaultTo('[]');
    gridColumns(knex, t);
  });
  await scopeIndexes(knex, 'public_facilities');
  await pointColumn(knex, 'public_facilities');

  // 网格员 (G-5, F-1)
  await knex.schema.createTable('grid_workers', (t) => {
    t.increments('id').primary();
    t.integer('user_id').references('users.id'); // login account, when the worker has one
    t.string('name', 50).notNullable();
    t.string('gender', 2);
    t.binary('phone_enc');
    t.string('phone_idx', 64);
    // full_time 专职 | part_time 兼职 | exclusive 专属
    t.string('kind', 16).notNullable();
    // full_time/exclusive: leader 网格长 | member 网格员; part_time: in_system 体制内 | out_system 体制外
    t.string('sub_kind', 16).notNullable();
    // part-time subtype: 下沉干部 | 社会组织 | 居民代表 | 物业负责人 | 业主代表 | 联户长 | 志愿者
    t.string('part_time_type', 16);
    t.string('work_unit', 100); // 所在单位 (下沉干部's own unit, exclusive grid's company …)
    t.string('status', 16).notNullable().defaultTo('active'); // active 在岗 | leave 请假 | left 离岗
    t.date('joined_on');
    gridColumns(knex, t);
  });
  await scopeIndexes(knex, 'grid_workers');
  await knex.raw('CREATE UNIQUE INDEX grid_workers_user_idx ON grid_workers (user_id) WHERE user_id IS NOT NULL');
  await knex.raw(`ALTER TABLE grid_workers ADD CONSTRAINT grid_workers_kind_chk CHECK (
    (kind IN ('full_time','exclusive') AND sub_kind IN ('leader','member'))
    OR (kind = 'part_time' AND sub_kind IN ('in_system','out_system')))`);
  await knex.raw(`ALTER TABLE grid_workers ADD CONSTRAINT grid_workers_status_chk CHECK (status IN ('active','leave','left'))`);

  // 基础关系 / 包户 (G-6): exactly one responsible worker per element (the unique constraint).
  await knex.schema.createTable('coverage_relations', (t) => {
    t.increments('id').primary();
    t.string('element_type', 16).notNullable(); // household merchant enterprise institution facility
    t.integer('element_id').notNullable();
    t.integer('worker_id').notNullable().references('grid_workers.id');
    t.specificType('org_path', 'ltree').notNullable(); // the element's path
    t.timestamp('assigned_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('assigned_by');
    t.unique(['element_type', 'element_id']);
  });
  await knex.raw(`ALTER TABLE coverage_relations ADD CONSTRAINT coverage_element_type_chk
    CHECK (element_type IN ('household','merchant','enterprise','institution','facility'))`);
  await knex.raw('CREATE INDEX coverage_worker_idx ON coverage_relations (worker_id, element_type)');
  await knex.raw('CREATE INDEX coverage_org_path_gist ON coverage_relations USING gist (org_path)');

  // 特定关系 / 包联 (G-6, F-2): several forces jointly care for one person with special needs.
  await knex.schema.createTable('care_relations', (t) => {
    t.increments('id').primary();
    t.integer('resident_id').notNullable().references('residents.id');
    t.integer('worker_id').notNullable().references('grid_workers.id');
    t.string('role', 16).notNullable(); // full_time 专职 | part_time 兼职 | volunteer 志愿者
    // living_alone 独居老人 | solitary_elderly 孤寡老人 | disabled 残疾人 | health_color 居民健康分色
    t.string('care_type', 20).notNullable();
    t.string('health_color', 8); // 红 黄 绿, for health_color relations
    t.specificType('org_path', 'ltree').notNullable(); // the person's path
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['resident_id', 'worker_id', 'care_type']);
  });
  await knex.raw(`ALTER TABLE care_relations ADD CONSTRAINT care_role_chk CHECK (role IN ('full_time','part_time','volunteer'))`);
  await knex.raw(`ALTER TABLE care_relations ADD CONSTRAINT care_type_chk
    CHECK (care_type IN ('living_alone','solitary_elderly','disabled','health_color'))`);
  await knex.raw('CREATE INDEX care_worker_idx ON care_relations (worker_id)');
  await knex.raw('CREATE INDEX care_resident_idx ON care_relations (resident_id)');
  await knex.raw('CREATE INDEX care_org_path_gist ON care_relations USING gist (org_path)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE households DROP CONSTRAINT IF EXISTS households_head_fk');
  for (const t of [
    'care_relations',
    'coverage_relations',
    'grid_workers',
    'public_facilities',
    'institutions',
    'enterprises',
    'merchants',
    'resident_versions',
    'residents',
    'households',
    'houses',
    'buildings',
  ]) {
    await knex.schema.dropTableIfExists(t);
  }
}
